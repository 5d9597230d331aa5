// The cases of reserved-user, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a member named like the bootstrap admin',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('user: cy', 'user: bootstrap') },
    findings: [
      'members.yaml:21:11  members[2].user  "bootstrap" is the bootstrap admin of org.yaml; expected a personal login',
    ],
  },
];
