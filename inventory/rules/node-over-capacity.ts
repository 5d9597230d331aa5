// Rule: no node gets more VM memory than it has (less the reserve), more vCPUs than the overcommit allows,
// or more local disk than it has; a node above the warning threshold of memory gets a warning.
import { nodeLoads } from '../capacity.ts';
import { SHARED_STORAGE_TYPES } from '../clusters.schema.ts';
import type { Path } from '../findings.ts';
import { placedVms } from '../placed-vms.ts';
import { gib, inventoryRule, reporter } from './rule.ts';

export const nodeOverCapacity = inventoryRule('node-over-capacity', (inventory) => {
  const report = reporter();
  const { capacity } = inventory.org;
  inventory.clusters.forEach((cluster, ci) => {
    const vms = placedVms(inventory, cluster);
    nodeLoads(cluster, vms, capacity.memory_reserve).forEach((load, ni) => {
      const path: Path = ['clusters', ci, 'nodes', ni];
      const percent = load.usable > 0 ? (load.memory / load.usable) * 100 : 0;
      if (load.memory > load.usable)
        report.error(
          'clusters',
          path,
          `node "${load.node}" has ${gib(load.memory)} of VMs but ${gib(load.usable)} usable (RAM less ${gib(capacity.memory_reserve)} reserve); expected VM memory within capacity`,
        );
      else if (percent > capacity.memory_warn_percent)
        report.warning(
          'clusters',
          path,
          `node "${load.node}" is ${Math.round(percent)}% committed (${gib(load.memory)} of ${gib(load.usable)}), above ${capacity.memory_warn_percent}%`,
        );
      if (load.vcpus > load.cores * capacity.cpu_overcommit)
        report.error(
          'clusters',
          path,
          `node "${load.node}" has ${load.vcpus} vCPUs on ${load.cores} cores, above the overcommit ratio ${capacity.cpu_overcommit}; expected at most ${load.cores * capacity.cpu_overcommit} vCPUs`,
        );
    });
    const local = new Set(
      cluster.storages
        .filter((s) => !(SHARED_STORAGE_TYPES as readonly string[]).includes(s.type))
        .map((s) => s.name),
    );
    cluster.nodes.forEach((node, ni) => {
      const used = vms
        .filter((vm) => vm.node === node.name)
        .flatMap((vm) => vm.disks)
        .filter((d) => local.has(d.storage))
        .reduce((sum, d) => sum + d.size, 0);
      if (used > node.local_disk)
        report.error(
          'clusters',
          ['clusters', ci, 'nodes', ni, 'local_disk'],
          `node "${node.name}" has ${gib(used)} of VM disks on local storage but ${gib(node.local_disk)} of local disk`,
        );
    });
  });
  return report.findings;
});
