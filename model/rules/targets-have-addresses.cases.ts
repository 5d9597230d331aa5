// The cases of targets-have-addresses, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'an MX to a name without addresses and an SRV to a CNAME',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: test.example.net, type: MX, value: "10 nothing.test.example.org" }\n  - { name: _sip._tcp.test.example.net, type: SRV, value: "5 0 5060 www.test.example.net" }\n  - { name: test.example.net, type: MX, value: "20 mx.example.com" }\n`,
    },
    findings: [
      "dns.yaml:5:5  records[2]  MX of test.example.net points at nothing.test.example.org, which has no A or AAAA record; expected a VM's name or a name with addresses",
      'dns.yaml:6:5  records[3]  SRV of _sip._tcp.test.example.net points at www.test.example.net, which is a CNAME; expected a name with A/AAAA records',
    ],
  },
];
