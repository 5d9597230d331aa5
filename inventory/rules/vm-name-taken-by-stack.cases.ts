// The cases of vm-name-taken-by-stack, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a VM named like the cluster-wide firewall rules',
    change: (inv) => ({
      ...inv,
      vms: inv.vms.map((vm) => (vm.name === 'git' ? { ...vm, name: 'cluster' } : vm)),
    }),
    findings: [
      'vms.yaml:35:11  vms[2].name  "cluster" is a name the cluster stack uses for the cluster-wide firewall rules (proxmox_virtual_environment_firewall_rules.cluster); expected another VM name',
    ],
  },
];
