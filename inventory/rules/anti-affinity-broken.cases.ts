// The cases of anti-affinity-broken, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'two VMs of a group on one node',
    fixture: ['inventory/anti-affinity-same-node'],
    findings: [
      'vms.yaml:18:11  vms[1].node  "node1" also hosts "proxy1" of anti-affinity group "proxy"; expected another node',
    ],
  },
  {
    name: 'a group larger than its cluster',
    fixture: ['inventory/anti-affinity-group-too-large'],
    findings: [
      'vms.yaml:57:20  vms[3].anti_affinity  group "proxy" has 4 VMs in cluster "ceph", which has 3 nodes; expected at most one VM of the group per node',
    ],
  },
];
