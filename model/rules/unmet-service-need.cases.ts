// The cases of unmet-service-need, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'a dependency nobody runs, a port that needs IPv4',
    fixture: ['services/broken'],
    findings: [
      'vms.yaml:55:9  vms[3].services[1].kind  coturn needs a public IPv4 address (3478/udp: STUN/TURN), but VM "db" has none; expected an ipv4 on a nic in a public network',
      'vms.yaml:67:17  vms[4].services[0].kind  nextcloud needs collabora, which no VM runs; expected a VM with "collabora" in its services',
    ],
  },
];
