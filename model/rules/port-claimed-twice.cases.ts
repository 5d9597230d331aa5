// The cases of port-claimed-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'two services on one port of a VM',
    fixture: ['services/broken'],
    findings: [
      'vms.yaml:14:29  vms[0].services[1].kind  port 80/tcp of static-web (services[1]) is already claimed by nginx-proxy (services[0]) on VM "proxy1"; expected each port once per VM',
    ],
  },
];
