// What the forge organisation holds for the members: the teams the roles name, and who is in each.
import type { Inventory } from '../inventory/inventory.ts';
import type { Member } from '../inventory/members.schema.ts';
import type { Org } from '../inventory/org.schema.ts';

export interface ForgeTeamPlan {
  readonly name: string;
  /** Which roles put people in the team, for the forge's team page. */
  readonly description: string;
  /** What the team may do in the repositories: the highest of its roles' `forge_permission`. */
  readonly permission: 'read' | 'write' | 'admin';
  /** Forge logins, sorted. */
  readonly members: readonly string[];
  /** The repositories the team reaches (its roles' forge_repositories), sorted. */
  readonly repositories: readonly string[];
}

const PERMISSIONS = ['read', 'write', 'admin'] as const;

export interface ForgePlan {
  readonly kind: 'gitea' | 'github';
  /** The Gitea server or GitHub Enterprise server; undefined means github.com. */
  readonly url?: string;
  readonly organisation: string;
  /** The organisation's owners (org.yaml), sorted: GitHub makes them maintainers of every team they are in. */
  readonly owners: readonly string[];
  /** Sorted by name. */
  readonly teams: readonly ForgeTeamPlan[];
}

/** The member's login on the forge: `forge_user`, else their Unix login. */
export function forgeLogin(member: Member): string {
  return member.forge_user ?? member.user;
}

/** Undefined when org.yaml names no forge: then no forge stack is synthesized. */
export function forgePlan(inventory: Inventory): ForgePlan | undefined {
  const forge: Org['forge'] = inventory.org.forge;
  if (!forge) return undefined;
  const teams = new Map<
    string,
    { roles: string[]; rank: number; members: Set<string>; repositories: Set<string> }
  >();
  for (const role of inventory.roles)
    for (const team of role.forge_teams) {
      const entry = teams.get(team) ?? {
        roles: [],
        rank: 0,
        members: new Set<string>(),
        repositories: new Set<string>(),
      };
      entry.roles.push(role.name);
      for (const repository of role.forge_repositories) entry.repositories.add(repository);
      entry.rank = Math.max(entry.rank, PERMISSIONS.indexOf(role.forge_permission));
      teams.set(team, entry);
    }
  for (const member of inventory.members)
    for (const role of inventory.roles.filter((r) => member.roles.includes(r.name)))
      for (const team of role.forge_teams) teams.get(team)!.members.add(forgeLogin(member));
  return {
    kind: forge.kind,
    ...(forge.url !== undefined ? { url: forge.url } : {}),
    organisation: forge.organisation,
    owners: [...forge.owners].sort(),
    teams: [...teams]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, t]) => ({
        name,
        description: `Members of the role${t.roles.length === 1 ? '' : 's'} ${t.roles.sort().join(', ')} (inventory/roles.yaml); managed by the forge stack`,
        permission: PERMISSIONS[t.rank]!,
        members: [...t.members].sort(),
        repositories: [...t.repositories].sort(),
      })),
  };
}
