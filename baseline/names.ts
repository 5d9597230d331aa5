// Names every part of the baseline derives from the inventory (kept apart so services/ can use them too).
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';

export function fqdn(inventory: Inventory, vm: Vm): string {
  return `${vm.name}.${inventory.org.domain}`;
}

/** Debian's codename for the VM's release, as apt sources and upstream repositories name it. */
export function codename(vm: Vm): 'bookworm' | 'trixie' {
  return vm.os === 'debian-13' ? 'trixie' : 'bookworm';
}
