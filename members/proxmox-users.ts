// What one Proxmox cluster holds for the members: a group per role that grants something there, the ACLs of
// those groups, and a user per member in one of them. Plain data for the ClusterMembers construct.
import type { Inventory } from '../inventory/inventory.ts';
import { grantClusters } from '../inventory/rules/proxmox-path-matches-nothing.ts';
import { accessModel } from './access.ts';

export interface ProxmoxGroupPlan {
  /** The Proxmox group id: the role's name. */
  readonly id: string;
  readonly comment: string;
  /** Built-in Proxmox roles on ACL paths, sorted by path then role. */
  readonly acls: readonly { readonly role: string; readonly path: string }[];
}

export interface ProxmoxUserPlan {
  /** The member's login, which names the Terraform resource. */
  readonly user: string;
  /** `alice@pve` */
  readonly userId: string;
  readonly email: string;
  /** The full name and what the account is for. */
  readonly comment: string;
  /** Group ids, sorted. */
  readonly groups: readonly string[];
  /** End of the last day of membership, RFC 3339; Proxmox refuses the login after it. */
  readonly expirationDate?: string;
}

export interface ProxmoxMembersPlan {
  readonly realm: string;
  readonly groups: readonly ProxmoxGroupPlan[];
  readonly users: readonly ProxmoxUserPlan[];
}

/** `until` is the last day of membership: the account works through that whole day (UTC). */
export function expirationOf(until: string): string {
  return `${until}T23:59:59Z`;
}

export function proxmoxMembersPlan(inventory: Inventory, cluster: string): ProxmoxMembersPlan {
  const realm = inventory.org.proxmox.realm;
  const groups: ProxmoxGroupPlan[] = [];
  for (const role of [...inventory.roles].sort((a, b) => a.name.localeCompare(b.name))) {
    const acls = role.proxmox
      .filter((grant) => grantClusters(inventory, grant).includes(cluster))
      .map((grant) => ({ role: grant.role, path: grant.path }))
      .sort((a, b) => a.path.localeCompare(b.path) || a.role.localeCompare(b.role));
    if (acls.length > 0)
      groups.push({ id: role.name, comment: `role ${role.name}: ${role.description}`, acls });
  }
  const here = new Set(groups.map((g) => g.id));
  const users: ProxmoxUserPlan[] = [];
  for (const access of accessModel(inventory)) {
    const member = inventory.members.find((m) => m.user === access.user)!;
    const memberGroups = member.roles.filter((r) => here.has(r)).sort();
    if (memberGroups.length === 0) continue;
    users.push({
      user: member.user,
      userId: `${member.user}@${realm}`,
      email: member.email,
      comment: `${member.name}; member since ${member.since}, managed in inventory/members.yaml`,
      groups: memberGroups,
      ...(member.until ? { expirationDate: expirationOf(member.until) } : {}),
    });
  }
  return { realm, groups, users };
}
