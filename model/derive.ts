// The model every renderer takes: derived once from a validated inventory, as plain data, and passed down
// by the synth (cli/synth-run.ts) to the stacks, the baseline, monitoring, DNS and the access report.
import type { Inventory } from '../inventory/inventory.ts';
import { rebootSchedule } from '../inventory/reboots.ts';
import { buildDnsModel, type DnsModel } from '../dns/model.ts';
import { deriveServices, type ServiceModel } from '../services/instances.ts';
import { secretNeeds, type SecretNeed } from './secret-needs.ts';

export interface Model {
  /** The validated inventory, as model/load.ts returned it. */
  readonly inventory: Inventory;
  /** Service instances, each VM's site and addresses, who runs what, who depends on whom. */
  readonly services: ServiceModel;
  /** When each VM reboots after upgrades (HH:MM), by VM name: the anti-affinity groups' turns. */
  readonly rebootTimes: ReadonlyMap<string, string>;
  /** Every zone we own and its records. */
  readonly dns: DnsModel;
  /** Every secret the model needs, sorted by key (model/secret-needs.ts). */
  readonly secretNeeds: readonly SecretNeed[];
  /** The secrets each VM's converge gets, by VM name, sorted by key. */
  readonly secretNeedsOf: ReadonlyMap<string, readonly SecretNeed[]>;
}

/** Derives the model of a validated inventory (one that model/load.ts returned without errors). */
export function deriveModel(inventory: Inventory): Model {
  const services = deriveServices(inventory);
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
    rebootTimes: rebootSchedule(inventory).times,
    dns: buildDnsModel(inventory, services),
    secretNeeds: needs,
    secretNeedsOf: needsOf,
  };
}
