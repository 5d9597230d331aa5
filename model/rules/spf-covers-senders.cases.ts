// The cases of spf-covers-senders, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'an SPF of our own that leaves out the mail VM',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: test.example.org, type: TXT, value: "v=spf1 include:_spf.example.com -all" }\n`,
    },
    findings: [
      'dns.yaml:5:5  records[2]  mail sends mail for test.example.org from 2001:db8:3::25, 198.51.100.4, which its SPF "v=spf1 include:_spf.example.com -all" does not authorise; expected "mx", "a:mail..." or ip4:/ip6: terms covering it',
    ],
  },
  {
    name: 'the replacement written whole passes',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: test.example.org, type: TXT, value: "v=spf1 ip6:2001:db8:3::/64 ip4:198.51.100.4 include:_spf.example.com -all" }\n`,
    },
    findings: [],
  },
  {
    name: 'two SPF records',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: test.example.org, type: TXT, value: "v=spf1 mx -all" }\n  - { name: test.example.org, type: TXT, value: "v=spf1 mx ~all" }\n`,
    },
    findings: [
      'vms.yaml:69:16  vms[5].services[0]  mail sends mail for test.example.org, which has 2 SPF records; expected exactly one "v=spf1 ..." TXT record',
    ],
  },
];
