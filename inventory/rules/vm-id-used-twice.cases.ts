// The cases of vm-id-used-twice, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'two VMs with one id',
    fixture: ['inventory/duplicate-vm-id'],
    findings: ['vms.yaml:46:9  vms[3].id  VM id 102 is already used by "proxy2"; expected unique ids'],
  },
];
