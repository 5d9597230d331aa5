// The cases of vm-address-outside-prefix, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'an address outside its network',
    fixture: ['inventory/address-outside-prefix'],
    findings: [
      'vms.yaml:66:15  vms[4].nics[0].ipv6  "2001:db8:5::e" is outside 2001:db8:1::/64 of network "one-public"; expected an address inside it',
    ],
  },
  {
    name: 'the network address',
    fixture: ['inventory/network-address'],
    findings: [
      'vms.yaml:78:15  vms[5].nics[0].ipv4  "198.51.100.0" is the network address of 198.51.100.0/28; expected a host address',
    ],
  },
  {
    name: 'the broadcast address',
    fixture: ['inventory/broadcast-address'],
    findings: [
      'vms.yaml:27:15  vms[1].nics[0].ipv4  "192.0.2.63" is the broadcast address of 192.0.2.0/26; expected a host address',
    ],
  },
];
