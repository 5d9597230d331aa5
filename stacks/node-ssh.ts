// How the provider reaches the Proxmox nodes over SSH (snippet uploads), and the known_hosts that pins their keys.
import type { Cluster, Node } from '../inventory/clusters.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { clusterStackName } from './naming.ts';

/** Where the known_hosts file goes under `cdktf.out/artifacts/`; the pipeline installs it before applying. */
export const PROXMOX_KNOWN_HOSTS = 'ssh/proxmox_known_hosts';

/** A Debian VM gets a cloud-init snippet, which the provider can only upload over SSH. */
export function uploadsSnippet(vm: Vm): boolean {
  return vm.os !== 'other';
}

/** The stacks that upload snippets, so whatever applies them needs SSH to the nodes. */
export function snippetStacks(inventory: Inventory): string[] {
  const clusters = new Set(inventory.vms.filter(uploadsSnippet).map((vm) => vm.cluster));
  return [...clusters].sort().map(clusterStackName);
}

export interface SshNode {
  readonly name: string;
  /** The node's IPv6 management address: every node has one, and IPv4 is optional in the inventory. */
  readonly address: string;
}

/** One entry per node for the provider's `ssh { node { name, address } }`, in inventory order. */
export function sshNodes(cluster: Cluster): SshNode[] {
  return cluster.nodes.map((node) => ({ name: node.name, address: node.ipv6 }));
}

/** `2001:db8::11,192.0.2.11`: the address the provider uses first, then the node's IPv4 for people. */
function hostPattern(node: Node): string {
  return [node.ipv6, ...(node.ipv4 ? [node.ipv4] : [])].join(',');
}

/**
 * An OpenSSH known_hosts file with every node's host keys. The provider checks a node's key against
 * `~/.ssh/known_hosts` and refuses a changed one, so a pipeline that installs this file before it applies
 * never trusts a node on first use. Port 22 is written without brackets, as OpenSSH does.
 */
export function proxmoxKnownHosts(inventory: Inventory): string {
  const lines = [
    '# SSH host keys of the Proxmox VE nodes, from inventory/clusters.yaml (host_keys).',
    '# The Proxmox provider uploads cloud-init snippets over SSH to the first address of each line.',
  ];
  const clusters = [...inventory.clusters].sort((a, b) => a.name.localeCompare(b.name));
  for (const cluster of clusters) {
    for (const node of cluster.nodes) {
      lines.push(`# ${cluster.name}/${node.name}`);
      for (const key of node.host_keys)
        lines.push(`${hostPattern(node)} ${key.trim().split(/\s+/).join(' ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
