// Rule: a VM's disk is on a storage of its cluster that holds VM disks, and shared if the VM is HA.
import { SHARED_STORAGE_TYPES } from '../clusters.schema.ts';
import type { Path } from '../findings.ts';
import { vmsOnKnownClusters } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const diskOnUnfitStorage = inventoryRule('disk-on-unfit-storage', (inventory) => {
  const report = reporter();
  for (const { vm, index, cluster } of vmsOnKnownClusters(inventory)) {
    const storages = new Map(cluster.storages.map((s) => [s.name, s]));
    vm.disks.forEach((disk, di) => {
      const path: Path = ['vms', index, 'disks', di, 'storage'];
      const storage = storages.get(disk.storage);
      if (!storage)
        report.error(
          'vms',
          path,
          `storage "${disk.storage}" is not in cluster "${cluster.name}"; expected one of ${[...storages.keys()].join(', ')}`,
        );
      else if (!storage.content.includes('images'))
        report.error('vms', path, `storage "${disk.storage}" does not hold VM disks (content "images")`);
      else if (vm.ha && !(SHARED_STORAGE_TYPES as readonly string[]).includes(storage.type))
        report.error(
          'vms',
          path,
          `ha: true needs shared storage, but "${disk.storage}" is ${storage.type} (local to one node); expected a Ceph (rbd) storage`,
        );
    });
  }
  return report.findings;
});
