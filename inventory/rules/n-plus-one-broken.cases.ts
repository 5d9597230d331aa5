// The cases of n-plus-one-broken, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'the HA VMs of a failed node find no room',
    change: (inv) => ({ ...inv, vms: inv.vms.map((vm) => (vm.name === 'git' ? { ...vm, memory: 40 } : vm)) }),
    findings: [
      'clusters.yaml:7:9  clusters[0].nodes[0]  N+1 broken in cluster "ceph": if node "node1" fails, HA VM git finds no node with room (short by 40 GiB)',
      'clusters.yaml:8:9  clusters[0].nodes[1]  N+1 broken in cluster "ceph": if node "node2" fails, HA VM db2 finds no node outside its anti-affinity group',
      'clusters.yaml:9:9  clusters[0].nodes[2]  N+1 broken in cluster "ceph": if node "node3" fails, HA VM db1 finds no node outside its anti-affinity group',
    ],
  },
];
