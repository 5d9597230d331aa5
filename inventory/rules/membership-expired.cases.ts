// The cases of membership-expired, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'until in the past',
    fixture: ['inventory/base', 'members'],
    today: '2036-07-01',
    findings: [
      'members.yaml:28:12  members[2].until  membership of "cy" ended on 2036-06-30: the offboarding is due; run `npm run offboard -- --user cy` (or extend until)',
    ],
  },
  {
    name: 'until today, a warning',
    fixture: ['inventory/base', 'members'],
    today: '2036-06-30',
    findings: [
      'members.yaml:28:12  members[2].until  warning: membership of "cy" ends on 2036-06-30, in 0 days; extend until or plan the offboarding',
    ],
  },
  {
    name: 'a month before: nothing',
    fixture: ['inventory/base', 'members'],
    today: '2036-05-30',
    findings: [],
  },
  {
    name: 'until before since',
    fixture: ['inventory/base', 'members'],
    edit: { 'members.yaml': (t) => t.replace('until: 2036-06-30', 'until: 2025-01-01') },
    findings: [
      'members.yaml:28:12  members[2].until  2025-01-01 is before since (2025-06-01); expected the last day of membership after it joined',
    ],
  },
];
