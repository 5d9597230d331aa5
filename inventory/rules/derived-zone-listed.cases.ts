// The cases of derived-zone-listed, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: "a reverse zone and the organisation's domain listed",
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        t.replace(
          'zones: [test.example.net]',
          'zones: [test.example.net, 0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa, test.example.org]',
        ),
    },
    findings: [
      'dns.yaml:1:27  zones[1]  zone 0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa is a reverse zone, which the model derives from the prefixes of networks.yaml; expected only forward zones here',
    ],
  },
];
