// The cases of proxmox-path-matches-nothing, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a pool no cluster has',
    fixture: ['inventory/base', 'members'],
    edit: { 'roles.yaml': (t) => t.replace('path: /vms/103 }', 'path: /pool/web }') },
    findings: [
      'roles.yaml:15:34  roles[1].proxmox[0].path  "/pool/web" exists on no cluster, so this grant matches nothing; expected a pool (the first tag of a VM), or a node, storage or VM id of clusters.yaml/vms.yaml',
    ],
  },
  {
    name: 'a VM id not on the cluster named',
    fixture: ['inventory/base', 'members'],
    edit: { 'roles.yaml': (t) => t.replace('path: /vms/103 }', 'path: /vms/103, clusters: [solo] }') },
    findings: [
      'roles.yaml:15:55  roles[1].proxmox[0].clusters[0]  "/vms/103" does not exist on cluster "solo"; expected one of ceph',
    ],
  },
  {
    name: "a pool is a VM's first tag only: a grant on its second tag",
    fixture: ['inventory/base', 'members'],
    edit: {
      'vms.yaml': (t) => t.replace('    id: 103\n', '    id: 103\n    tags: [forge, web]\n'),
      'roles.yaml': (t) => t.replace('path: /vms/103 }', 'path: /pool/web }'),
    },
    findings: [
      'roles.yaml:15:34  roles[1].proxmox[0].path  "/pool/web" exists on no cluster, so this grant matches nothing; expected a pool (the first tag of a VM), or a node, storage or VM id of clusters.yaml/vms.yaml',
    ],
  },
  {
    name: 'a grant on the first tag is a pool',
    fixture: ['inventory/base', 'members'],
    edit: {
      'vms.yaml': (t) => t.replace('    id: 103\n', '    id: 103\n    tags: [forge, web]\n'),
      'roles.yaml': (t) => t.replace('path: /vms/103 }', 'path: /pool/forge }'),
    },
    findings: [],
  },
];
