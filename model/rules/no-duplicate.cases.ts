// The cases of no-duplicate, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a record given twice, or again after the inventory derives it',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: test.example.org, type: TXT, value: "verify=abc123" }\n  - { name: proxy1.test.example.org, type: AAAA, value: "2001:db8:1:0::a" }\n`,
    },
    findings: [
      'dns.yaml:5:5  records[2]  test.example.org TXT "verify=abc123" is already in the set (from dns.yaml); expected each record once',
      'dns.yaml:6:5  records[3]  proxy1.test.example.org AAAA "2001:db8:1::a" is already in the set (from VM proxy1); expected each record once',
    ],
  },
];
