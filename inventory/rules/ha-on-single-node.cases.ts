// The cases of ha-on-single-node, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'ha on a one-node cluster',
    change: (inv) => ({
      ...inv,
      vms: inv.vms.map((vm) =>
        vm.cluster === 'solo' && vm === inv.vms.find((v) => v.cluster === 'solo') ? { ...vm, ha: true } : vm,
      ),
    }),
    findings: ['vms.yaml:159:5  vms[10].ha  ha: true needs a cluster of two or more nodes; "solo" has one'],
  },
];
