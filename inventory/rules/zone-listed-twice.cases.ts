// The cases of zone-listed-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a zone listed twice',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        t.replace('zones: [test.example.net]', 'zones: [test.example.net, test.example.net]'),
    },
    findings: [
      'dns.yaml:1:27  zones[1]  zone test.example.net is listed twice (first at zones[0]); expected each zone once',
    ],
  },
];
