// Rule: a Ceph pool keeps no more copies than the cluster has nodes, min_size <= size, and (warning) a
// replicated pool does not accept writes with a single copy.
import type { Path } from '../findings.ts';
import { inventoryRule, reporter } from './rule.ts';

export const unsafeCephPool = inventoryRule('unsafe-ceph-pool', (inventory) => {
  const report = reporter();
  inventory.clusters.forEach((cluster, ci) => {
    cluster.ceph?.pools.forEach((pool, pi) => {
      const path: Path = ['clusters', ci, 'ceph', 'pools', pi];
      if (pool.min_size > pool.size)
        report.error(
          'clusters',
          [...path, 'min_size'],
          `min_size ${pool.min_size} is larger than size ${pool.size}; expected min_size <= size`,
        );
      if (pool.size > cluster.nodes.length)
        report.error(
          'clusters',
          [...path, 'size'],
          `size ${pool.size} needs ${pool.size} nodes but cluster "${cluster.name}" has ${cluster.nodes.length}; expected size <= nodes`,
        );
      if (pool.size > 1 && pool.min_size < 2)
        report.warning(
          'clusters',
          [...path, 'min_size'],
          `min_size ${pool.min_size} accepts writes with a single copy; expected 2 or more`,
        );
    });
  });
  return report.findings;
});
