// The cases of nic-on-foreign-network, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a NIC on a network networks.yaml lacks',
    fixture: ['inventory/unknown-network'],
    findings: [
      'vms.yaml:76:18  vms[5].nics[0].network  network "two-internal" is not in networks.yaml; expected one of two-public, two-mgmt',
    ],
  },
];
