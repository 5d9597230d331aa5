// Names derived from the inventory that every layer uses (a VM's FQDN, its Debian codename).
import type { Inventory } from './inventory.ts';
import type { Vm } from './vms.schema.ts';

export function fqdn(inventory: Inventory, vm: Vm): string {
  return `${vm.name}.${inventory.org.domain}`;
}

/** Debian's codename for the VM's release, as apt sources and upstream repositories name it. */
export function codename(vm: Vm): 'bookworm' | 'trixie' {
  return vm.os === 'debian-13' ? 'trixie' : 'bookworm';
}
