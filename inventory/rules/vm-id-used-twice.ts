// Rule: VM ids are unique across the organisation (Proxmox ids are per cluster, but VMs move between them).
import { reporter, type Rule } from './rule.ts';

export const vmIdUsedTwice: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  const ids = new Map<number, number>();
  inventory.vms.forEach((vm, vi) => {
    const first = ids.get(vm.id);
    if (first !== undefined)
      report.error(
        'vms',
        ['vms', vi, 'id'],
        `VM id ${vm.id} is already used by "${inventory.vms[first]?.name}"; expected unique ids`,
      );
    else ids.set(vm.id, vi);
  });
  return report.findings;
};
