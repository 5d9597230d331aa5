// The model every renderer takes: derived once from a validated inventory, as plain data, and passed down
// by the synth (cli/synth-run.ts) to the stacks, the baseline, monitoring, DNS and the access report.
import type { Inventory } from '../inventory/inventory.ts';
import { type RebootProblem, rebootSchedule } from '../inventory/reboots.ts';
import { buildDnsModel, type DnsModel } from '../dns/model.ts';
import { deriveServices, type ServiceModel } from '../services/instances.ts';

export interface Model {
  /** The validated inventory, as model/load.ts returned it. */
  readonly inventory: Inventory;
  /** Service instances, each VM's site and addresses, who runs what, who depends on whom. */
  readonly services: ServiceModel;
  /** When each VM reboots after upgrades (HH:MM), by VM name: the anti-affinity groups' turns. */
  readonly rebootTimes: ReadonlyMap<string, string>;
  /** The VMs whose turn falls outside their window or too close to a group peer's (rule reboot-turns-clash). */
  readonly rebootProblems: readonly RebootProblem[];
  /** Every zone we own and its records. */
  readonly dns: DnsModel;
}

/** Derives the model of a validated inventory (one that model/load.ts returned without errors). */
export function deriveModel(inventory: Inventory): Model {
  const services = deriveServices(inventory);
  const reboots = rebootSchedule(inventory);
  return {
    inventory,
    services,
    rebootTimes: reboots.times,
    rebootProblems: reboots.problems,
    dns: buildDnsModel(inventory, services),
  };
}
