// The cases of sponsor-lacks-role, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a sponsor without the role granted',
    fixture: ['inventory/base', 'members'],
    edit: {
      'members.yaml': (t) =>
        t.replace(
          'roles: [admin, developer]\n    since: 2020-01-01\n    sponsor: ada',
          'roles: [developer]\n    since: 2020-01-01\n    sponsor: ada',
        ),
    },
    findings: [
      'members.yaml:8:13  members[0].roles[0]  role "admin" is granted with sponsor "bob", who does not hold it (bob holds developer); expected a sponsor with role "admin"',
    ],
  },
  {
    name: 'cy granted admin too, sponsored by ada, who holds it',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('roles: [developer]', 'roles: [developer, admin]') },
    findings: [],
  },
];
