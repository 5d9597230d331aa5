// The cases of duplicate-role, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a role name used twice',
    fixture: ['inventory/base', 'members'],
    edit: { 'roles.yaml': (t) => t.replace('name: developer', 'name: admin') },
    findings: [
      'roles.yaml:11:11  roles[1].name  role "admin" is defined twice (first at roles[0]); expected unique names',
    ],
  },
];
