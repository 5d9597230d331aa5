// The cases of cname-loop, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a CNAME to itself, and two CNAMEs to each other',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: x.test.example.org, type: CNAME, value: x.test.example.org }\n  - { name: a.test.example.org, type: CNAME, value: b.test.example.org }\n  - { name: b.test.example.org, type: CNAME, value: a.test.example.org }\n`,
    },
    findings: [
      'dns.yaml:5:5  records[2]  CNAME x.test.example.org points to itself; expected a CNAME to a name that has records',
      'dns.yaml:6:5  records[3]  CNAME a.test.example.org is part of a loop (a.test.example.org -> b.test.example.org -> a.test.example.org); expected a chain that ends at a name with records',
      'dns.yaml:7:5  records[4]  CNAME b.test.example.org is part of a loop (b.test.example.org -> a.test.example.org -> b.test.example.org); expected a chain that ends at a name with records',
    ],
  },
  {
    name: 'a long loop is shown by its first names, so the line stays short',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: l1.test.example.org, type: CNAME, value: l2.test.example.org }\n  - { name: l2.test.example.org, type: CNAME, value: l3.test.example.org }\n  - { name: l3.test.example.org, type: CNAME, value: l4.test.example.org }\n  - { name: l4.test.example.org, type: CNAME, value: l5.test.example.org }\n  - { name: l5.test.example.org, type: CNAME, value: l1.test.example.org }\n`,
    },
    findings: [
      'dns.yaml:5:5  records[2]  CNAME l1.test.example.org is part of a loop (l1.test.example.org -> l2.test.example.org -> l3.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
      'dns.yaml:6:5  records[3]  CNAME l2.test.example.org is part of a loop (l2.test.example.org -> l3.test.example.org -> l4.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
      'dns.yaml:7:5  records[4]  CNAME l3.test.example.org is part of a loop (l3.test.example.org -> l4.test.example.org -> l5.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
      'dns.yaml:8:5  records[5]  CNAME l4.test.example.org is part of a loop (l4.test.example.org -> l5.test.example.org -> l1.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
      'dns.yaml:9:5  records[6]  CNAME l5.test.example.org is part of a loop (l5.test.example.org -> l1.test.example.org -> l2.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
    ],
  },
];
