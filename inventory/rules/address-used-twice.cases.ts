// The cases of address-used-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'two VMs with one address',
    fixture: ['inventory/address-used-twice'],
    findings: [
      'vms.yaml:53:15  vms[3].nics[0].ipv6  "2001:db8:1::a" is already used by VM "proxy1"; expected a free address',
    ],
  },
  {
    name: "a VM on its network's gateway",
    fixture: ['inventory/gateway-reused'],
    findings: [
      'vms.yaml:13:15  vms[0].nics[0].ipv4  "192.0.2.1" is already used by the gateway of network "one-public"; expected a free address',
    ],
  },
];
