// The cases of forge-login-used-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a forge login of another member, in other case',
    fixture: ['inventory/base', 'members'],
    edit: {
      'members.yaml': (t) =>
        t.replace('    until: 2036-06-30\n', '    until: 2036-06-30\n    forge_user: Bob\n'),
    },
    findings: [
      'members.yaml:29:17  members[2].forge_user  forge login "Bob" is also bob\'s; expected each member\'s own login (set forge_user)',
    ],
  },
];
