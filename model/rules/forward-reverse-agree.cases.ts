// The cases of forward-reverse-agree, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import { withValues } from '../../dns/lookups.ts';
import type { RuleCases } from '../../inventory/rules/rule.ts';
import { deriveModel, type Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a PTR that names another VM',
    fixture: ['dns/org'],
    change: (m) => ({
      ...m,
      dns: withValues(m.dns, m.dns.addresses.find((a) => a.vm === 'mail' && a.family === 6)!.ptr!, 'PTR', [
        'jump.test.example.org',
      ]),
    }),
    findings: [
      'vms.yaml:68:38  vms[5].nics[0].ipv6  2001:db8:3::25 of mail: PTR 5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa is jump.test.example.org and mail.test.example.org has 2001:db8:3::25; expected each to name the other',
    ],
  },
  {
    name: 'an address no reverse zone holds',
    fixture: ['dns/org'],
    change: (m) =>
      deriveModel({
        ...m.inventory,
        vms: m.inventory.vms.map((vm) =>
          vm.name === 'db'
            ? { ...vm, nics: [{ network: 'one-internal', ipv6: '2001:db8:5::d', ipv4: '10.0.0.4' }] }
            : vm,
        ),
      }),
    findings: [
      'vms.yaml:35:9  vms[2].nics[0].ipv4  10.0.0.4 of db has no reverse record: no network prefix in networks.yaml holds it; expected its network to have an ipv4 prefix',
    ],
  },
];
