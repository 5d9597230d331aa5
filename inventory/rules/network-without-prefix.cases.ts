// The cases of network-without-prefix, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a network without ipv6 or ipv4',
    change: (inv) => ({
      ...inv,
      networks: inv.networks.map((n) => (n.name === 'one-internal' ? { ...n, ipv6: undefined } : n)),
    }),
    findings: [
      'networks.yaml:11:5  networks[1]  network "one-internal" has no prefix; expected ipv6 and/or ipv4',
    ],
  },
];
