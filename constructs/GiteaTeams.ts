// The teams of a Gitea organisation and who is in them, with the go-gitea/gitea provider.
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { GiteaProvider } from '../.gen/providers/gitea/provider/index.ts';
import { Team } from '../.gen/providers/gitea/team/index.ts';
import { TeamMembership } from '../.gen/providers/gitea/team-membership/index.ts';
import { checkForgeTeams, type ForgeTeamsProps, forgeResourceNames } from './forge-teams.ts';

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
