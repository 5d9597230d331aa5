// Rule: rbd and cephfs storages sit on a cluster with Ceph, an rbd storage names a pool of ceph.pools, and
// no other storage type names a pool.
import type { Path } from '../findings.ts';
import { inventoryRule, reporter } from './rule.ts';

export const cephStorageMismatch = inventoryRule('ceph-storage-mismatch', (inventory) => {
  const report = reporter();
  inventory.clusters.forEach((cluster, ci) => {
    const pools = new Set((cluster.ceph?.pools ?? []).map((p) => p.name));
    cluster.storages.forEach((storage, si) => {
      const path: Path = ['clusters', ci, 'storages', si];
      if ((storage.type === 'rbd' || storage.type === 'cephfs') && !cluster.ceph)
        report.error(
          'clusters',
          [...path, 'type'],
          `storage type ${storage.type} needs Ceph, but cluster "${cluster.name}" has no ceph section`,
        );
      if (storage.type === 'rbd') {
        if (!storage.pool)
          report.error(
            'clusters',
            [...path, 'pool'],
            'is missing; expected the Ceph pool behind this rbd storage',
          );
        else if (cluster.ceph && !pools.has(storage.pool))
          report.error(
            'clusters',
            [...path, 'pool'],
            `Ceph pool "${storage.pool}" is not in ceph.pools; expected one of ${[...pools].join(', ')}`,
          );
      } else if (storage.pool)
        report.error(
          'clusters',
          [...path, 'pool'],
          `only rbd storages name a Ceph pool; ${storage.type} does not`,
        );
    });
  });
  return report.findings;
});
