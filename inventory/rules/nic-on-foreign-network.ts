// Rule: a VM's NIC is on a network of networks.yaml, at its cluster's site, on a bridge the cluster has.
import type { Path } from '../findings.ts';
import { vmsOnKnownClusters } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const nicOnForeignNetwork = inventoryRule('nic-on-foreign-network', (inventory) => {
  const report = reporter();
  const networks = new Map(inventory.networks.map((n) => [n.name, n]));
  for (const { vm, index, cluster } of vmsOnKnownClusters(inventory)) {
    vm.nics.forEach((nic, ni) => {
      const path: Path = ['vms', index, 'nics', ni, 'network'];
      const net = networks.get(nic.network);
      if (!net) {
        const here = inventory.networks.filter((n) => n.site === cluster.site).map((n) => n.name);
        report.error(
          'vms',
          path,
          `network "${nic.network}" is not in networks.yaml; expected one of ${here.join(', ') || '(none at this site)'}`,
        );
      } else if (net.site !== cluster.site)
        report.error(
          'vms',
          path,
          `network "${net.name}" is at site "${net.site}", but cluster "${cluster.name}" is at "${cluster.site}"`,
        );
      else if (!cluster.bridges.includes(net.bridge))
        report.error(
          'vms',
          path,
          `network "${net.name}" uses bridge ${net.bridge}, which cluster "${cluster.name}" lacks; expected one of ${cluster.bridges.join(', ')}`,
        );
    });
  }
  return report.findings;
});
