// The teams of a Gitea organisation and who is in them, with the go-gitea/gitea provider.
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { GiteaProvider } from '../.gen/providers/gitea/provider/index.ts';
import { Team } from '../.gen/providers/gitea/team/index.ts';
import { TeamMembership } from '../.gen/providers/gitea/team-membership/index.ts';
import { checkForgeTeams, type ForgeTeamsProps, forgeResourceNames } from './forge-teams.ts';

/**
 * Every repository unit, written the way the pinned go-gitea/gitea reads `units` back: Go's `%v` of the slice
 * the API answers, space-separated in the order the provider's create adds them
 * (resource_gitea_team.go:71-100 and :275 at the tag). The provider's default, the same units comma-separated,
 * never equals what it reads back, so every plan would update every team.
 */
export const GITEA_TEAM_UNITS =
  '[repo.code repo.issues repo.ext_issues repo.wiki repo.pulls repo.releases repo.ext_wiki repo.projects repo.actions repo.packages]';

export class GiteaTeams extends Construct {
  constructor(scope: Construct, id: string, props: ForgeTeamsProps) {
    super(scope, id);
    checkForgeTeams(props);
    if (props.url === undefined)
      throw new Error('GiteaTeams: no url; expected the Gitea server, such as https://git.example.org');
    // token is left out on purpose: the provider reads GITEA_TOKEN, so it never reaches the synthesized JSON.
    new GiteaProvider(this, 'provider', { baseUrl: props.url });
    const names = forgeResourceNames(props.teams.map((t) => t.name));
    for (const team of props.teams) {
      const teamName = names.get(team.name)!;
      const resource = new Team(this, `team-${team.name}`, {
        name: team.name,
        organisation: props.organisation,
        description: team.description,
        permission: team.permission,
        units: GITEA_TEAM_UNITS,
        // Both default to true in the provider: every team would reach every repository and create more.
        includeAllRepositories: false,
        canCreateRepos: false,
        repositories: [...team.repositories],
      });
      resource.overrideLogicalId(teamName);
      const logins = forgeResourceNames(team.members);
      for (const login of team.members)
        new TeamMembership(this, `member-${team.name}-${login}`, {
          // The provider keeps the team's numeric id as the resource id; Terraform converts it to a number.
          teamId: Token.asNumber(resource.id),
          username: login,
        }).overrideLogicalId(`${teamName}-${logins.get(login)!.replace(/^_/, '')}`);
    }
  }
}
