// The cases of unknown-placement, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a cluster clusters.yaml lacks',
    fixture: ['inventory/unknown-cluster'],
    findings: [
      'vms.yaml:68:14  vms[5].cluster  cluster "sollo" is not in clusters.yaml; expected one of ceph, solo',
    ],
  },
  {
    name: 'a node its cluster lacks',
    fixture: ['inventory/unknown-node'],
    findings: [
      'vms.yaml:45:11  vms[3].node  node "node4" is not in cluster "ceph"; expected one of node1, node2, node3',
    ],
  },
];
