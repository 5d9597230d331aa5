// Rule: the VMs of an anti-affinity group are on distinct nodes, so a group has no more VMs in a cluster
// than the cluster has nodes.
import { type PlacedVm, vmsOnKnownClusters } from '../references.ts';
import { inventoryRule, reporter, type Reporter } from './rule.ts';

/** The VMs of each group in each cluster, in file order. */
function groupsByCluster(placed: readonly PlacedVm[]): Map<string, Map<string, PlacedVm[]>> {
  const groups = new Map<string, Map<string, PlacedVm[]>>();
  for (const p of placed) {
    if (!p.vm.anti_affinity) continue;
    const byCluster = groups.get(p.vm.anti_affinity) ?? new Map<string, PlacedVm[]>();
    byCluster.set(p.cluster.name, [...(byCluster.get(p.cluster.name) ?? []), p]);
    groups.set(p.vm.anti_affinity, byCluster);
  }
  return groups;
}

function checkGroup(report: Reporter, group: string, list: readonly PlacedVm[]): void {
  const cluster = list[0]!.cluster;
  if (list.length > cluster.nodes.length) {
    const last = list[list.length - 1]!;
    report.error(
      'vms',
      ['vms', last.index, 'anti_affinity'],
      `group "${group}" has ${list.length} VMs in cluster "${cluster.name}", which has ${cluster.nodes.length} nodes; expected at most one VM of the group per node`,
    );
    return;
  }
  const onNode = new Map<string, string>();
  for (const { vm, index } of list) {
    const first = onNode.get(vm.node);
    if (first !== undefined)
      report.error(
        'vms',
        ['vms', index, 'node'],
        `"${vm.node}" also hosts "${first}" of anti-affinity group "${group}"; expected another node`,
      );
    else onNode.set(vm.node, vm.name);
  }
}

export const antiAffinityBroken = inventoryRule('anti-affinity-broken', (inventory) => {
  const report = reporter();
  for (const [group, byCluster] of groupsByCluster(vmsOnKnownClusters(inventory)))
    for (const list of byCluster.values()) checkGroup(report, group, list);
  return report.findings;
});
