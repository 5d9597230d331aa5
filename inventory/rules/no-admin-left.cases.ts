// The cases of no-admin-left, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'no member holds an admin role',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replaceAll('roles: [admin, developer]', 'roles: [developer]') },
    findings: [
      'members.yaml:2:1  members  no member holds an admin role (admin): the last admin cannot be removed; expected at least one',
    ],
  },
];
