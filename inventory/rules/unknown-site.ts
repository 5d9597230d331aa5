// Rule: every network and every cluster is at a site of sites.yaml.
import { inventoryRule, reporter } from './rule.ts';

export const unknownSite = inventoryRule('unknown-site', (inventory) => {
  const report = reporter();
  const sites = new Set(inventory.sites.map((s) => s.name));
  const expected = (site: string): string =>
    `site "${site}" is not in sites.yaml; expected one of ${[...sites].join(', ')}`;
  inventory.networks.forEach((net, i) => {
    if (!sites.has(net.site)) report.error('networks', ['networks', i, 'site'], expected(net.site));
  });
  inventory.clusters.forEach((cluster, i) => {
    if (!sites.has(cluster.site)) report.error('clusters', ['clusters', i, 'site'], expected(cluster.site));
  });
  return report.findings;
});
