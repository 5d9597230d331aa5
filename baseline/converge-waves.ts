// In which order `npm run converge` runs the playbooks: per site, the replicas of a service one at a time.
import { factsOf, type Model } from '../model/derive.ts';

export interface SiteWaves {
  readonly site: string;
  /**
   * Waves run one after another; the VMs of a wave side by side. Wave n holds the n-th VM of every
   * anti-affinity group (so two replicas never converge at once) and wave 1 also every VM of no group.
   */
  readonly waves: readonly (readonly string[])[];
}

/** The Debian VMs of each site in waves, sites sorted by name, VMs in vms.yaml order; `only` narrows to some VMs. */
export function convergeWaves(model: Model, only?: ReadonlySet<string>): SiteWaves[] {
  const sites = new Map<string, string[][]>();
  const turn = new Map<string, number>();
  for (const vm of model.inventory.vms) {
    if (vm.os === 'other' || (only && !only.has(vm.name))) continue;
    const { site } = factsOf(model, vm);
    const waves = sites.get(site) ?? [];
    let index = 0;
    if (vm.anti_affinity) {
      index = turn.get(vm.anti_affinity) ?? 0;
      turn.set(vm.anti_affinity, index + 1);
    }
    while (waves.length <= index) waves.push([]);
    waves[index]!.push(vm.name);
    sites.set(site, waves);
  }
  return [...sites.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([site, waves]) => ({ site, waves }));
}
