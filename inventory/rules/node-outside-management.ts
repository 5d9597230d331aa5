// Rule: a node's addresses sit inside a management network of its cluster's site.
import { contains, parseAddress } from '../net.ts';
import { addressKey, FAMILIES, networkPrefixes } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const nodeOutsideManagement = inventoryRule('node-outside-management', (inventory) => {
  const report = reporter();
  const prefixes = networkPrefixes(inventory);
  inventory.clusters.forEach((cluster, ci) => {
    const mgmt = inventory.networks.filter((n) => n.site === cluster.site && n.purpose === 'management');
    cluster.nodes.forEach((node, ni) => {
      for (const family of FAMILIES) {
        const key = addressKey(family);
        const text = node[key];
        if (text === undefined) continue;
        const address = parseAddress(text, family)!;
        const inside = mgmt.some((n) => {
          const prefix = prefixes.get(n.name)?.[family];
          return prefix !== undefined && contains(prefix, address);
        });
        if (!inside)
          report.error(
            'clusters',
            ['clusters', ci, 'nodes', ni, key],
            `"${text}" is not inside a management network of site "${cluster.site}"; expected an address in ${mgmt.map((n) => n[key]?.text ?? n.name).join(', ') || '(none: add a management network)'}`,
          );
      }
    });
  });
  return report.findings;
});
