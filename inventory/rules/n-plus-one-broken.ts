// Rule: N+1. When any one node of a cluster fails, its HA VMs must find room on the others, outside
// their anti-affinity group; the finding names the node and the shortfall.
import { nPlusOne } from '../capacity.ts';
import { placedVms } from '../placed-vms.ts';
import { gib, inventoryRule, reporter } from './rule.ts';

const them = (names: readonly string[]): string =>
  `HA ${names.length === 1 ? 'VM' : 'VMs'} ${names.join(', ')} ${names.length === 1 ? 'finds' : 'find'}`;

export const nPlusOneBroken = inventoryRule('n-plus-one-broken', (inventory) => {
  const report = reporter();
  inventory.clusters.forEach((cluster, ci) => {
    for (const broken of nPlusOne(
      cluster,
      placedVms(inventory, cluster),
      inventory.org.capacity.memory_reserve,
    )) {
      const ni = cluster.nodes.findIndex((n) => n.name === broken.failedNode);
      const held = broken.antiAffinity;
      const short = broken.unplaced.filter((name) => !held.includes(name));
      // Memory and anti-affinity get separate clauses: "short by" would mislead where memory is there.
      const why: string[] = [];
      if (short.length > 0) why.push(`${them(short)} no node with room (short by ${gib(broken.shortfall)})`);
      if (held.length > 0)
        why.push(`${them(held)} no node outside ${held.length === 1 ? 'its' : 'their'} anti-affinity group`);
      report.error(
        'clusters',
        ['clusters', ci, 'nodes', ni],
        `N+1 broken in cluster "${cluster.name}": if node "${broken.failedNode}" fails, ${why.join(', and ')}`,
      );
    }
  });
  return report.findings;
});
