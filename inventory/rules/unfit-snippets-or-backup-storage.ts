// Rule: a cluster's snippets storage is one of its storages and holds snippets and imported images; its
// backup storage is one of its storages and holds backups.
import type { Path } from '../findings.ts';
import { inventoryRule, reporter } from './rule.ts';

export const unfitSnippetsOrBackupStorage = inventoryRule('unfit-snippets-or-backup-storage', (inventory) => {
  const report = reporter();
  inventory.clusters.forEach((cluster, ci) => {
    const base: Path = ['clusters', ci];
    const storages = new Map(cluster.storages.map((s) => [s.name, s]));
    const snippets = storages.get(cluster.snippets);
    if (!snippets)
      report.error(
        'clusters',
        [...base, 'snippets'],
        `storage "${cluster.snippets}" is not in this cluster's storages`,
      );
    else
      for (const content of ['snippets', 'import'] as const)
        if (!snippets.content.includes(content))
          report.error(
            'clusters',
            [...base, 'snippets'],
            `storage "${cluster.snippets}" lacks content "${content}"; expected a storage that holds cloud-init snippets and imported images`,
          );
    const backup = storages.get(cluster.backup.storage);
    if (!backup)
      report.error(
        'clusters',
        [...base, 'backup', 'storage'],
        `storage "${cluster.backup.storage}" is not in this cluster's storages`,
      );
    else if (!backup.content.includes('backup'))
      report.error(
        'clusters',
        [...base, 'backup', 'storage'],
        `storage "${backup.name}" lacks content "backup"`,
      );
  });
  return report.findings;
});
