// The members' side of one Proxmox cluster: a group per role, its ACLs, and a user per member in those groups.
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Acl } from '../.gen/providers/proxmox/acl/index.ts';
import { VirtualEnvironmentGroup } from '../.gen/providers/proxmox/virtual-environment-group/index.ts';
import { VirtualEnvironmentUser } from '../.gen/providers/proxmox/virtual-environment-user/index.ts';
import type { ProxmoxGroupPlan, ProxmoxUserPlan } from '../members/proxmox-users.ts';

export interface ClusterMembersProps {
  /** Cluster name, for error messages. */
  readonly cluster: string;
  readonly groups: readonly ProxmoxGroupPlan[];
  readonly users: readonly ProxmoxUserPlan[];
  /** The cluster's pools by name: an ACL on `/pool/NAME` waits for its pool. @default none */
  readonly pools?: ReadonlyMap<string, ITerraformDependable>;
}

/** `/` → `root`, `/pool/web` → `pool-web`: part of an ACL's resource name. */
export function aclPathName(path: string): string {
  return path === '/' ? 'root' : path.slice(1).replaceAll('/', '-');
}

export class ClusterMembers extends Construct {
  constructor(scope: Construct, id: string, props: ClusterMembersProps) {
    super(scope, id);
    const groups = new Map<string, VirtualEnvironmentGroup>();
    for (const group of props.groups) {
      // `members` is left to the provider on purpose: it is computed, read back as the users whose
      // `groups` name this group (group.go:208 at the tag), so an onboarding shows on refresh and plans nothing.
      const resource = new VirtualEnvironmentGroup(this, `group-${group.id}`, {
        groupId: group.id,
        comment: group.comment,
      });
      resource.overrideLogicalId(group.id);
      groups.set(group.id, resource);
      // Permissions go to groups, never to users: membership is the one thing an onboarding changes.
      for (const acl of group.acls) {
        const pool = acl.path.startsWith('/pool/')
          ? props.pools?.get(acl.path.slice('/pool/'.length))
          : undefined;
        new Acl(this, `acl-${group.id}-${acl.role}-${aclPathName(acl.path)}`, {
          groupId: resource.groupId,
          path: acl.path,
          roleId: acl.role,
          propagate: true,
          ...(pool ? { dependsOn: [pool] } : {}),
        }).overrideLogicalId(`${group.id}-${acl.role}-${aclPathName(acl.path)}`);
      }
    }
    for (const user of props.users) {
      const memberOf = user.groups.map((g) => {
        const group = groups.get(g);
        if (!group)
          throw new Error(
            `cluster ${props.cluster}: user ${user.userId} is in group ${g}, which is not defined`,
          );
        return group.groupId;
      });
      // No password: the member sets one in Proxmox (realm pve) or creates API tokens of their own, so no
      // secret ever reaches the Terraform state. `enabled` is stated so a hand-disabled account shows as drift.
      new VirtualEnvironmentUser(this, `user-${user.user}`, {
        userId: user.userId,
        email: user.email,
        comment: user.comment,
        groups: memberOf,
        enabled: true,
        ...(user.expirationDate ? { expirationDate: user.expirationDate } : {}),
      }).overrideLogicalId(user.user);
    }
  }
}
