// What both forge constructs take (GiteaTeams, GithubTeams): an organisation's teams and their members.

export interface ForgeTeam {
  readonly name: string;
  readonly description: string;
  /** Gitea: what the team may do in the repositories. GitHub grants that per repository instead. */
  readonly permission: 'read' | 'write' | 'admin';
  /** Forge logins. */
  readonly members: readonly string[];
  /** Gitea: the organisation's repositories the team reaches; no other. GitHub grants per repository instead. */
  readonly repositories: readonly string[];
}

export interface ForgeTeamsProps {
  /** The organisation whose teams these are; it exists already (the forge's owners keep it). */
  readonly organisation: string;
  /** The Gitea server, or a GitHub Enterprise server. @default github.com (GitHub only) */
  readonly url?: string;
  readonly teams: readonly ForgeTeam[];
  /** GitHub: the organisation's owners, whom GitHub makes maintainers of their teams. @default none */
  readonly owners?: readonly string[];
}

/**
 * A Terraform resource name from forge names, which may hold "." (not allowed there): `ops.team` → `ops_team`.
 * Throws when two names meet in one resource name, rather than letting one team overwrite another.
 */
export function forgeResourceNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Map<string, string>();
  for (const name of names) {
    const id = /^[A-Za-z_]/.test(name) ? name.replaceAll('.', '_') : `_${name.replaceAll('.', '_')}`;
    const other = taken.get(id);
    if (other !== undefined && other !== name)
      throw new Error(`forge names "${other}" and "${name}" both become the resource name ${id}; rename one`);
    taken.set(id, name);
    out.set(name, id);
  }
  return out;
}

export function checkForgeTeams(props: ForgeTeamsProps): void {
  if (props.organisation === '') throw new Error('forge teams: no organisation given; expected its name');
}
