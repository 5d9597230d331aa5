// The cases of overlapping-prefixes, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'two networks whose prefixes overlap',
    fixture: ['inventory/overlapping-prefixes'],
    findings: [
      'networks.yaml:16:11  networks[1].ipv4  192.0.2.32/27 overlaps 192.0.2.0/26 of network "one-public"; expected disjoint prefixes',
    ],
  },
];
