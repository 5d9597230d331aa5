// The cases of duplicate-member, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a login used twice',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('user: cy', 'user: bob') },
    findings: [
      'members.yaml:21:11  members[2].user  user "bob" is defined twice (first at members[1]); expected one entry per person',
    ],
  },
];
