// The cases of derived-name-overridden, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'an A on a VM name and an AAAA on a web name',
    fixture: ['dns/org'],
    edit: {
      'dns.yaml': (t) =>
        `${t}  - { name: git.test.example.org, type: A, value: 192.0.2.77 }\n  - { name: code.test.example.org, type: AAAA, value: "2001:db8:99::1" }\n`,
    },
    findings: [
      "dns.yaml:5:5  records[2]  A 192.0.2.77 on git.test.example.org, which is the name of VM git, whose addresses the inventory derives; expected no A record for it in dns.yaml (change the VM's NICs or the service instead)",
      "dns.yaml:6:5  records[3]  AAAA 2001:db8:99::1 on code.test.example.org, which is a web name of gitea on git, whose addresses the inventory derives; expected no AAAA record for it in dns.yaml (change the VM's NICs or the service instead)",
    ],
  },
];
