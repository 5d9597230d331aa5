// The cases of apex-ns-added, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'an NS of dns.yaml at the apex of one of our zones',
    fixture: ['dns/org'],
    edit: { 'dns.yaml': (t) => `${t}  - { name: test.example.net, type: NS, value: ns.example.com }\n` },
    findings: [
      "dns.yaml:5:5  records[2]  NS ns.example.com at the apex of zone test.example.net would add a name server that does not serve it; expected the zone's name servers to come from its dns-secondary VMs (NS in dns.yaml only delegates a sub-zone)",
    ],
  },
];
