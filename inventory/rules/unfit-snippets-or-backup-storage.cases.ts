// The cases of unfit-snippets-or-backup-storage, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { Inventory } from '../inventory.ts';
import type { RuleCases } from './rule.ts';

export const cases: RuleCases<Inventory> = [
  {
    name: 'snippets on a storage without snippets, backup on a foreign one',
    change: (inv) => ({
      ...inv,
      clusters: inv.clusters.map((c) =>
        c.name === 'solo' ? { ...c, snippets: 'local-zfs', backup: { ...c.backup, storage: 'nas' } } : c,
      ),
    }),
    findings: [
      'clusters.yaml:30:15  clusters[1].snippets  storage "local-zfs" lacks content "snippets"; expected a storage that holds cloud-init snippets and imported images',
      'clusters.yaml:30:15  clusters[1].snippets  storage "local-zfs" lacks content "import"; expected a storage that holds cloud-init snippets and imported images',
      'clusters.yaml:31:24  clusters[1].backup.storage  storage "nas" is not in this cluster\'s storages',
    ],
  },
];
