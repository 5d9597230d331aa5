// The cases of storage-defined-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a storage listed twice in one cluster',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'solo' ? { ...c, storages: [...c.storages, c.storages[0]!] } : c,
      ),
    }),
    findings: [
      'clusters.yaml:27:7  clusters[1].storages[2].name  storage "local-zfs" is defined twice (first at storages[0]); expected unique names',
    ],
  },
];
