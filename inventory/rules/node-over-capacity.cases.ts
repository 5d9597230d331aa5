// The cases of node-over-capacity, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'more vCPUs than the overcommit allows',
    change: (inv) => ({ ...inv, vms: inv.vms.map((vm) => (vm.name === 'git' ? { ...vm, cores: 30 } : vm)) }),
    findings: [
      'clusters.yaml:7:9  clusters[0].nodes[0]  node "node1" has 34 vCPUs on 8 cores, above the overcommit ratio 4; expected at most 32 vCPUs',
    ],
  },
  {
    name: 'a node near its memory',
    change: (inv) => ({ ...inv, vms: inv.vms.map((vm) => (vm.name === 'git' ? { ...vm, memory: 42 } : vm)) }),
    findings: [
      'clusters.yaml:7:9  clusters[0].nodes[0]  warning: node "node1" is 89% committed (50 GiB of 56 GiB), above 85%',
    ],
  },
];
