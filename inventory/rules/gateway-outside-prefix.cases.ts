// The cases of gateway-outside-prefix, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a gateway at the broadcast address',
    change: (inv) => ({
      ...inv,
      networks: inv.networks.map((n) => (n.name === 'two-public' ? { ...n, gateway4: '198.51.100.15' } : n)),
    }),
    findings: [
      'networks.yaml:31:15  networks[3].gateway4  "198.51.100.15" is the broadcast address of 198.51.100.0/28',
    ],
  },
];
