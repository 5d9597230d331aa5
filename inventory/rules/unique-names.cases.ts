// The cases of unique-names, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a VM name used twice',
    change: (inv) => ({
      ...inv,
      vms: inv.vms.map((vm) => (vm.name === 'db2' ? { ...vm, name: 'db1' } : vm)),
    }),
    findings: [
      'vms.yaml:67:11  vms[4].name  VM "db1" is defined twice (first at vms[3]); expected unique names',
    ],
  },
];
