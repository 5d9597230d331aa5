// The cases of ceph-storage-mismatch, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a pool named by storages that are not rbd',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'ceph' ? { ...c, storages: c.storages.map((s) => ({ ...s, pool: 'fs-data' })) } : c,
      ),
    }),
    findings: [
      'clusters.yaml:16:9  clusters[0].storages[1].pool  only rbd storages name a Ceph pool; cephfs does not',
      'clusters.yaml:17:9  clusters[0].storages[2].pool  only rbd storages name a Ceph pool; zfspool does not',
    ],
  },
];
