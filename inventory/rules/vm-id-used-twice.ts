// Rule: VM ids are unique across the organisation (Proxmox ids are per cluster, but VMs move between them).
import { inventoryRule, reporter } from './rule.ts';

export const vmIdUsedTwice = inventoryRule('vm-id-used-twice', (inventory) => {
  const report = reporter();
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
});
