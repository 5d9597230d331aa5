// Rule: the storages of a cluster have names unique within the cluster.
import { inventoryRule, reporter } from './rule.ts';
import { definedTwice, duplicateNames } from './unique-names.ts';

export const storageDefinedTwice = inventoryRule('storage-defined-twice', (inventory) => {
  const report = reporter();
  inventory.clusters.forEach((cluster, ci) => {
    for (const d of duplicateNames(cluster.storages))
      report.error(
        'clusters',
        ['clusters', ci, 'storages', d.index, 'name'],
        definedTwice('storage', d.name, 'storages', d.first),
      );
  });
  return report.findings;
});
