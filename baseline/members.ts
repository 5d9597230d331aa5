// Members part of the baseline: a Unix account per member on exactly the VMs their roles grant, their keys, and
// the admins group (sudo) where a role grants it. Every member account is also in the `members` group, which
// is how convergence later finds the accounts of people who have left (to lock them, keeping their files).
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { type Account, accountsOn } from '../members/access.ts';
import type { CloudUser, Part } from './parts.ts';

/** Unix group of every member account the baseline manages. */
export const MEMBERS_GROUP = 'members';

export function memberUser(inventory: Inventory, account: Account): CloudUser {
  const { member, sudo } = account;
  return {
    name: member.user,
    gecos: member.name,
    groups: sudo ? [inventory.org.admin.group, MEMBERS_GROUP] : [MEMBERS_GROUP],
    shell: '/bin/bash',
    // No password: members log in with keys only (sshd allows nothing else) and sudo asks for none.
    lock_passwd: true,
    ssh_authorized_keys: [...member.keys],
  };
}

/** The part, or undefined on a VM no member may log in to. */
export function membersPart(inventory: Inventory, vm: Vm): Part | undefined {
  const accounts = accountsOn(inventory, vm);
  if (accounts.length === 0) return undefined;
  const sudo = accounts.filter((a) => a.sudo).length;
  return {
    name: `members: ${accounts.length} account${accounts.length === 1 ? '' : 's'} (${sudo} with sudo) from members.yaml`,
    groups: [MEMBERS_GROUP],
    users: accounts.map((a) => memberUser(inventory, a)),
  };
}
