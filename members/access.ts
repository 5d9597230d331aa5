// Who may do what where, derived from members.yaml and roles.yaml: the one model accounts, Proxmox ACLs, forge
// teams, monitoring, the access report and the review all read.
import type { Inventory } from '../inventory/inventory.ts';
import type { Member } from '../inventory/members.schema.ts';
import { grantClusters } from '../inventory/rules/proxmox-path-matches-nothing.ts';
import type { Role, SshSelector } from '../inventory/roles.schema.ts';
import type { Vm } from '../inventory/vms.schema.ts';

export interface SshGrant {
  readonly vm: string;
  readonly site: string;
  readonly sudo: boolean;
}

export interface ProxmoxAccess {
  readonly role: string;
  readonly path: string;
  /** Clusters the ACL is set on, sorted. */
  readonly clusters: readonly string[];
}

export interface MemberAccess {
  readonly user: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** VMs with an account for this member, by VM name. */
  readonly ssh: readonly SshGrant[];
  readonly proxmox: readonly ProxmoxAccess[];
  readonly forgeTeams: readonly string[];
  readonly oncall: boolean;
  readonly until?: string;
}

/** A member account on one VM. */
export interface Account {
  readonly member: Member;
  readonly sudo: boolean;
}

/** Only Debian VMs get the baseline, and with it member accounts; `os: other` keeps the bootstrap admin only. */
export function hasMemberAccounts(vm: Vm): boolean {
  return vm.os !== 'other';
}

export function siteOf(inventory: Inventory, vm: Vm): string {
  return inventory.clusters.find((c) => c.name === vm.cluster)?.site ?? '';
}

export function selects(inventory: Inventory, selector: SshSelector | undefined, vm: Vm): boolean {
  if (selector === undefined) return false;
  if (selector === 'all') return true;
  return (
    (selector.sites ?? []).includes(siteOf(inventory, vm)) ||
    (selector.tags ?? []).some((t) => vm.tags.includes(t)) ||
    (selector.services ?? []).some((k) => vm.services.some((s) => s.kind === k)) ||
    (selector.vms ?? []).includes(vm.name)
  );
}

function rolesOf(inventory: Inventory, member: Member): Role[] {
  return member.roles
    .map((name) => inventory.roles.find((r) => r.name === name))
    .filter((r): r is Role => r !== undefined);
}

/** The accounts a VM carries, sorted by login; empty for VMs without the baseline. */
export function accountsOn(inventory: Inventory, vm: Vm): Account[] {
  if (!hasMemberAccounts(vm)) return [];
  const accounts: Account[] = [];
  for (const member of inventory.members) {
    const granting = rolesOf(inventory, member).filter((r) => selects(inventory, r.ssh, vm));
    if (granting.length > 0) accounts.push({ member, sudo: granting.some((r) => r.sudo) });
  }
  return accounts.sort((a, b) => a.member.user.localeCompare(b.member.user));
}

export function memberAccess(inventory: Inventory, member: Member): MemberAccess {
  const roles = rolesOf(inventory, member);
  const ssh: SshGrant[] = [];
  for (const vm of [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!hasMemberAccounts(vm)) continue;
    const granting = roles.filter((r) => selects(inventory, r.ssh, vm));
    if (granting.length > 0)
      ssh.push({ vm: vm.name, site: siteOf(inventory, vm), sudo: granting.some((r) => r.sudo) });
  }
  const proxmox = new Map<string, ProxmoxAccess>();
  for (const role of roles) {
    for (const grant of role.proxmox) {
      const key = `${grant.role} ${grant.path}`;
      const clusters = new Set([...(proxmox.get(key)?.clusters ?? []), ...grantClusters(inventory, grant)]);
      proxmox.set(key, { role: grant.role, path: grant.path, clusters: [...clusters].sort() });
    }
  }
  return {
    user: member.user,
    name: member.name,
    roles: [...member.roles],
    ssh,
    proxmox: [...proxmox.values()].sort(
      (a, b) => a.path.localeCompare(b.path) || a.role.localeCompare(b.role),
    ),
    forgeTeams: [...new Set(roles.flatMap((r) => r.forge_teams))].sort(),
    oncall: roles.some((r) => r.oncall),
    ...(member.until ? { until: member.until } : {}),
  };
}

/** Every member's access, sorted by login. */
export function accessModel(inventory: Inventory): MemberAccess[] {
  return inventory.members
    .map((m) => memberAccess(inventory, m))
    .sort((a, b) => a.user.localeCompare(b.user));
}
