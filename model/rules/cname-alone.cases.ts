// The cases of cname-alone, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a CNAME next to other data, and a CNAME at a zone apex',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: git.test.example.org, type: CNAME, value: code.test.example.org }\n  - { name: test.example.net, type: CNAME, value: code.test.example.org }\n`,
    },
    findings: [
      'dns.yaml:6:5  records[3]  "test.example.net" is the apex of zone test.example.net and cannot be a CNAME; expected A/AAAA records there',
      'dns.yaml:5:5  records[2]  "git.test.example.org" is a CNAME but also has AAAA (from VM git); expected a CNAME to be the only record of its name',
    ],
  },
];
