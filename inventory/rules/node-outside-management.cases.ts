// The cases of node-outside-management, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a node address outside the management networks of its site',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'solo' ? { ...c, nodes: c.nodes.map((n) => ({ ...n, ipv6: '2001:db8:3::11' })) } : c,
      ),
    }),
    findings: [
      'clusters.yaml:25:70  clusters[1].nodes[0].ipv6  "2001:db8:3::11" is not inside a management network of site "two"; expected an address in 2001:db8:4::/64',
    ],
  },
];
