// The cases of unknown-role, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a misspelt role',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('roles: [developer]', 'roles: [developr]') },
    findings: [
      'members.yaml:26:13  members[2].roles[0]  role "developr" is not in roles.yaml; did you mean "developer"?',
    ],
  },
];
