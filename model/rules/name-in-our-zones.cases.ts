// The cases of name-in-our-zones, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a record and a web name outside every zone we own',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) => `${t}  - { name: www.example.com, type: AAAA, value: "2001:db8:1::a" }\n`,
      'vms.yaml': (t) => t.replace('domain: code.test.example.org', 'domain: code.example.com'),
    },
    findings: [
      'vms.yaml:25:9  vms[1].services[0]  "code.example.com" (AAAA) is in no zone we own; expected a name under test.example.net, test.example.org, or its zone in dns.yaml zones',
      'vms.yaml:25:9  vms[1].services[0]  "code.example.com" (A) is in no zone we own; expected a name under test.example.net, test.example.org, or its zone in dns.yaml zones',
      'dns.yaml:5:5  records[2]  "www.example.com" (AAAA) is in no zone we own; expected a name under test.example.net, test.example.org, or its zone in dns.yaml zones',
    ],
  },
];
