// The cases of disk-on-unfit-storage, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'a storage its cluster lacks',
    fixture: ['inventory/unknown-storage'],
    findings: [
      'vms.yaml:50:56  vms[3].disks[1].storage  storage "ceph-data" is not in cluster "ceph"; expected one of ceph-vm, cephfs, local-zfs',
    ],
  },
  {
    name: 'an HA VM on local storage',
    fixture: ['inventory/ha-local-storage'],
    findings: [
      'vms.yaml:37:24  vms[2].disks[0].storage  ha: true needs shared storage, but "local-zfs" is zfspool (local to one node); expected a Ceph (rbd) storage',
    ],
  },
];
