// Rule: node names are hostnames, so unique across the organisation, not only within a cluster.
import { inventoryRule, reporter } from './rule.ts';

export const nodeDefinedTwice = inventoryRule('node-defined-twice', (inventory) => {
  const report = reporter();
  const seen = new Map<string, string>();
  inventory.clusters.forEach((cluster, ci) => {
    cluster.nodes.forEach((node, ni) => {
      const other = seen.get(node.name);
      if (other !== undefined)
        report.error(
          'clusters',
          ['clusters', ci, 'nodes', ni, 'name'],
          `node "${node.name}" is defined twice (also in cluster "${other}"); expected unique node names`,
        );
      else seen.set(node.name, cluster.name);
    });
  });
  return report.findings;
});
