// Rule: the storages of a cluster have names unique within the cluster.
import { reporter, type Rule } from './rule.ts';
import { definedTwice, duplicateNames } from './unique-names.ts';

export const storageDefinedTwice: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  inventory.clusters.forEach((cluster, ci) => {
    for (const d of duplicateNames(cluster.storages))
      report.error(
        'clusters',
        ['clusters', ci, 'storages', d.index, 'name'],
        definedTwice('storage', d.name, 'storages', d.first),
      );
  });
  return report.findings;
};
