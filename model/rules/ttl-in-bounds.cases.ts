// The cases of ttl-in-bounds, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a TTL below dns.ttl_min, and two TTLs in one set',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: a.test.example.net, type: TXT, value: "x", ttl: 30 }\n  - { name: b.test.example.net, type: TXT, value: "one", ttl: 300 }\n  - { name: b.test.example.net, type: TXT, value: "two", ttl: 600 }\n`,
    },
    findings: [
      'dns.yaml:5:5  records[2]  ttl 30 of a.test.example.net TXT is outside org.yaml dns.ttl_min..ttl_max; expected 60 to 86400 seconds',
      'dns.yaml:7:5  records[4]  ttl 600 of b.test.example.net TXT differs from 300 given for the same set; expected one TTL per name and type',
    ],
  },
];
