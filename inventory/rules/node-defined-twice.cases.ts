// The cases of node-defined-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a node name of another cluster',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'solo' ? { ...c, nodes: c.nodes.map((n) => ({ ...n, name: 'node1' })) } : c,
      ),
    }),
    findings: [
      'clusters.yaml:25:17  clusters[1].nodes[0].name  node "node1" is defined twice (also in cluster "ceph"); expected unique node names',
    ],
  },
];
