// The VMs of a cluster whose preferred node exists: what the capacity rules count (a VM on an unknown
// cluster or node is reported by the cross-file references, not counted twice).
import type { Cluster } from './clusters.schema.ts';
import type { Inventory } from './inventory.ts';
import type { Vm } from './vms.schema.ts';

export function placedVms(inventory: Inventory, cluster: Cluster): Vm[] {
  return inventory.vms.filter(
    (vm) => vm.cluster === cluster.name && cluster.nodes.some((n) => n.name === vm.node),
  );
}
