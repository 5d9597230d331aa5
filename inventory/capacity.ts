// Capacity arithmetic: per-node commitments and N+1 (does every HA VM still fit when any one node fails?).
import type { Cluster } from './clusters.schema.ts';
import type { Vm } from './vms.schema.ts';

export interface NodeLoad {
  readonly node: string;
  /** GiB a node can give to VMs: its RAM less the reserve for Proxmox and Ceph. */
  readonly usable: number;
  /** GiB of VM memory whose preferred node this is. */
  readonly memory: number;
  readonly vcpus: number;
  readonly cores: number;
}

export function nodeLoads(cluster: Cluster, vms: readonly Vm[], reserve: number): NodeLoad[] {
  return cluster.nodes.map((node) => {
    const here = vms.filter((vm) => vm.cluster === cluster.name && vm.node === node.name);
    return {
      node: node.name,
      usable: Math.max(0, node.memory - reserve),
      memory: here.reduce((sum, vm) => sum + vm.memory, 0),
      vcpus: here.reduce((sum, vm) => sum + vm.cores, 0),
      cores: node.cores,
    };
  });
}

export interface NPlusOneBreak {
  readonly cluster: string;
  /** The node whose loss leaves HA VMs without room. */
  readonly failedNode: string;
  /** HA VMs that found no node with enough free memory (and no anti-affinity conflict). */
  readonly unplaced: readonly string[];
  /** GiB of memory of the unplaced VMs that found no surviving node with enough free memory. */
  readonly shortfall: number;
  /** The unplaced VMs that a survivor had memory for, but only one hosting their anti-affinity group. */
  readonly antiAffinity: readonly string[];
}

/**
 * Simulates the loss of each node in turn: its HA VMs, largest first, go to the surviving node with the
 * most free memory that hosts no member of their anti-affinity group (what Proxmox's static CRS does).
 */
export function nPlusOne(cluster: Cluster, vms: readonly Vm[], reserve: number): NPlusOneBreak[] {
  if (cluster.nodes.length < 2) return [];
  const mine = vms.filter((vm) => vm.cluster === cluster.name);
  const loads = nodeLoads(cluster, mine, reserve);
  const breaks: NPlusOneBreak[] = [];
  for (const failed of cluster.nodes) {
    const movers = mine
      .filter((vm) => vm.ha && vm.node === failed.name)
      .sort((a, b) => b.memory - a.memory || a.name.localeCompare(b.name));
    if (movers.length === 0) continue;
    const survivors = loads
      .filter((l) => l.node !== failed.name)
      .map((l) => ({
        node: l.node,
        free: l.usable - l.memory,
        groups: new Set(
          mine.filter((vm) => vm.node === l.node && vm.anti_affinity).map((vm) => vm.anti_affinity),
        ),
      }));
    const unplaced: Vm[] = [];
    const antiAffinity: string[] = [];
    for (const vm of movers) {
      const roomy = survivors.filter((s) => s.free >= vm.memory);
      const candidates = roomy
        .filter((s) => !(vm.anti_affinity && s.groups.has(vm.anti_affinity)))
        .sort((a, b) => b.free - a.free || a.node.localeCompare(b.node));
      const target = candidates[0];
      if (!target) {
        unplaced.push(vm);
        if (roomy.length > 0) antiAffinity.push(vm.name);
        continue;
      }
      target.free -= vm.memory;
      if (vm.anti_affinity) target.groups.add(vm.anti_affinity);
    }
    if (unplaced.length > 0) {
      breaks.push({
        cluster: cluster.name,
        failedNode: failed.name,
        unplaced: unplaced.map((vm) => vm.name),
        shortfall: unplaced
          .filter((vm) => !antiAffinity.includes(vm.name))
          .reduce((sum, vm) => sum + vm.memory, 0),
        antiAffinity,
      });
    }
  }
  return breaks;
}
