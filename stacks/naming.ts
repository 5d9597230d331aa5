// The names Terraform sees: stack names and resource addresses, derived from inventory names only.
import type { Inventory } from '../inventory/inventory.ts';

/** Terraform resource type of a VM in the pinned bpg/proxmox provider. */
export const VM_RESOURCE_TYPE = 'proxmox_virtual_environment_vm';

export function clusterStackName(cluster: string): string {
  return `cluster-${cluster}`;
}

/** The one stack of our DNS zones. */
export const DNS_STACK = 'dns';

/** The one stack of the forge organisation's teams and memberships. */
export const FORGE_STACK = 'forge';

/**
 * Terraform resource name of a record set in the dns stack, from its owner name: `git.example.org` →
 * `git_example_org`, `_dmarc.example.org` → `_dmarc_example_org`, a reverse name starting with a digit gets
 * a leading `_`. The type is the resource type, so `git_example_org` is both the A and the AAAA set.
 */
export function dnsResourceName(name: string): string {
  const id = name.replaceAll('.', '_');
  return /^[0-9-]/.test(id) ? `_${id}` : id;
}

/** Terraform address of a VM inside its cluster stack; the logical id is the VM's name. */
export function vmAddress(vm: string): string {
  return `${VM_RESOURCE_TYPE}.${vm}`;
}

export interface ProtectedResource {
  readonly stack: string;
  readonly address: string;
  readonly vm: string;
}

/** Every resource the inventory marks `protected: true`, by stack and address, sorted. */
export function protectedResources(inventory: Inventory): ProtectedResource[] {
  return inventory.vms
    .filter((vm) => vm.protected)
    .map((vm) => ({ stack: clusterStackName(vm.cluster), address: vmAddress(vm.name), vm: vm.name }))
    .sort((a, b) => a.stack.localeCompare(b.stack) || a.address.localeCompare(b.address));
}
