// Renders a VM's cloud-config (the user data of its cloud-init snippet) from the inventory.
import { stringify } from 'yaml';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';

export function fqdn(inventory: Inventory, vm: Vm): string {
  return `${vm.name}.${inventory.org.domain}`;
}

/** The `#cloud-config` document for one VM, in a stable key order. */
export function renderCloudConfig(inventory: Inventory, vm: Vm): string {
  const { admin } = inventory.org;
  const config = {
    hostname: vm.name,
    fqdn: fqdn(inventory, vm),
    prefer_fqdn_over_hostname: true,
    manage_etc_hosts: true,
    timezone: inventory.org.timezone,
    users: [
      {
        name: admin.user,
        groups: ['sudo'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [...admin.keys],
      },
    ],
    ssh_pwauth: false,
    disable_root: true,
    package_update: true,
    packages: ['qemu-guest-agent'],
    runcmd: [['systemctl', 'enable', '--now', 'qemu-guest-agent']],
  };
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}
