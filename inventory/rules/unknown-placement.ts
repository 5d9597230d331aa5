// Rule: a VM's cluster is in clusters.yaml and its node is a node of that cluster.
import { inventoryRule, reporter } from './rule.ts';

export const unknownPlacement = inventoryRule('unknown-placement', (inventory) => {
  const report = reporter();
  const clusters = new Map(inventory.clusters.map((c) => [c.name, c]));
  inventory.vms.forEach((vm, vi) => {
    const cluster = clusters.get(vm.cluster);
    if (!cluster)
      report.error(
        'vms',
        ['vms', vi, 'cluster'],
        `cluster "${vm.cluster}" is not in clusters.yaml; expected one of ${[...clusters.keys()].join(', ')}`,
      );
    else if (!cluster.nodes.some((n) => n.name === vm.node))
      report.error(
        'vms',
        ['vms', vi, 'node'],
        `node "${vm.node}" is not in cluster "${cluster.name}"; expected one of ${cluster.nodes.map((n) => n.name).join(', ')}`,
      );
  });
  return report.findings;
});
