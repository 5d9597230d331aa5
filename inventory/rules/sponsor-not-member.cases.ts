// The cases of sponsor-not-member, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a sponsor who is no member',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace(/sponsor: ada\n$/, 'sponsor: adda\n') },
    findings: ['members.yaml:29:14  members[2].sponsor  sponsor "adda" is not a member; did you mean "ada"?'],
  },
  {
    name: 'a member sponsoring themselves',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace(/sponsor: ada\n$/, 'sponsor: cy\n') },
    findings: [
      'members.yaml:29:14  members[2].sponsor  "cy" sponsors themselves; expected another member who vouches for them',
    ],
  },
];
