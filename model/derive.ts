// The model every renderer takes: derived once from a validated inventory by model/load.ts, as plain data,
// and passed down by the synth (cli/synth-run.ts) to the stacks, the baseline, monitoring, DNS and the
// access report. Nothing derives services, reboot turns, zones or a VM's facts after deriveModel.
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { rebootSchedule, type RebootProblem } from '../inventory/reboots.ts';
import { buildDnsModel, type DnsModel } from '../dns/model.ts';
import { deriveServices, type ServiceModel } from '../services/instances.ts';
import { vmFacts, type VmFacts } from './vm-facts.ts';
import { secretNeeds, type SecretNeed } from './secret-needs.ts';

export interface Model {
  /** The validated inventory, as model/load.ts read it (each VM's cores and memory resolved). */
  readonly inventory: Inventory;
  /** Service instances, each VM's site and addresses, who runs what, who depends on whom. */
  readonly services: ServiceModel;
  /** When each VM reboots after upgrades (HH:MM), by VM name: the anti-affinity groups' turns. */
  readonly rebootTimes: ReadonlyMap<string, string>;
  /** Why some turns do not fit (an empty window, a clash in a group): the reboot-turns rule reports them. */
  readonly rebootProblems: readonly RebootProblem[];
  /** Every zone we own and its records. */
  readonly dns: DnsModel;
  /** What the model knows of each VM (site, addresses, instances, firewall, backup), by name, in vms.yaml order. */
  readonly vms: ReadonlyMap<string, VmFacts>;
  /** Every secret the model needs, sorted by key (model/secret-needs.ts). */
  readonly secretNeeds: readonly SecretNeed[];
  /** The secrets each VM's converge gets, by VM name, sorted by key. */
  readonly secretNeedsOf: ReadonlyMap<string, readonly SecretNeed[]>;
}

/** The part of the model the per-VM facts are computed from. */
export type Derived = Pick<Model, 'inventory' | 'services'>;

/** Derives the model of an inventory that passed its own rules; model/load.ts then checks the model. */
export function deriveModel(inventory: Inventory): Model {
  const services = deriveServices(inventory);
  const reboots = rebootSchedule(inventory);
  // Once here, not per VM: every VM's cloud-config and playbook read their secrets from it.
  const needs = secretNeeds({ inventory, services });
  const needsOf = new Map<string, SecretNeed[]>();
  for (const need of needs)
    for (const vm of need.vms) {
      const list = needsOf.get(vm);
      if (list) list.push(need);
      else needsOf.set(vm, [need]);
    }
  return {
    inventory,
    services,
    rebootTimes: reboots.times,
    rebootProblems: reboots.problems,
    dns: buildDnsModel(inventory, services),
    vms: vmFacts({ inventory, services }, reboots.times),
    secretNeeds: needs,
    secretNeedsOf: needsOf,
  };
}

/** The facts of one VM of the model; a VM the model does not hold is a bug of the caller. */
export function factsOf(model: Pick<Model, 'vms'>, vm: Vm | string): VmFacts {
  const name = typeof vm === 'string' ? vm : vm.name;
  const facts = model.vms.get(name);
  if (!facts)
    throw new Error(`the model holds no VM "${name}"; expected a VM of the inventory it was derived from`);
  return facts;
}
