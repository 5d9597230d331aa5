// Rule: an HA VM is on a cluster of two or more nodes, where it has somewhere to fail over to.
import { vmsOnKnownClusters } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const haOnSingleNode = inventoryRule('ha-on-single-node', (inventory) => {
  const report = reporter();
  for (const { vm, index, cluster } of vmsOnKnownClusters(inventory))
    if (vm.ha && cluster.nodes.length < 2)
      report.error(
        'vms',
        ['vms', index, 'ha'],
        `ha: true needs a cluster of two or more nodes; "${cluster.name}" has one`,
      );
  return report.findings;
});
