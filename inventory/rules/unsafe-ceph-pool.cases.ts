// The cases of unsafe-ceph-pool, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'pools of size 4 on three nodes, min_size 1',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'ceph'
          ? { ...c, ceph: { ...c.ceph!, pools: c.ceph!.pools.map((p) => ({ ...p, size: 4, min_size: 1 })) } }
          : c,
      ),
    }),
    findings: [
      'clusters.yaml:12:34  clusters[0].ceph.pools[0].size  size 4 needs 4 nodes but cluster "ceph" has 3; expected size <= nodes',
      'clusters.yaml:12:47  clusters[0].ceph.pools[0].min_size  warning: min_size 1 accepts writes with a single copy; expected 2 or more',
      'clusters.yaml:13:34  clusters[0].ceph.pools[1].size  size 4 needs 4 nodes but cluster "ceph" has 3; expected size <= nodes',
      'clusters.yaml:13:47  clusters[0].ceph.pools[1].min_size  warning: min_size 1 accepts writes with a single copy; expected 2 or more',
    ],
  },
];
