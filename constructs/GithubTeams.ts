// The teams of a GitHub organisation and who is in them, with the prebuilt @cdktf/provider-github bindings.
import { GithubProvider } from '@cdktf/provider-github/lib/provider/index.js';
import { TeamMembership } from '@cdktf/provider-github/lib/team-membership/index.js';
import { Team } from '@cdktf/provider-github/lib/team/index.js';
import { Construct } from 'constructs';
import { checkForgeTeams, type ForgeTeamsProps, forgeResourceNames } from './forge-teams.ts';

export class GithubTeams extends Construct {
  constructor(scope: Construct, id: string, props: ForgeTeamsProps) {
    super(scope, id);
    checkForgeTeams(props);
    // token is left out on purpose: the provider reads GITHUB_TOKEN, so it never reaches the synthesized JSON.
    new GithubProvider(this, 'provider', {
      owner: props.organisation,
      ...(props.url !== undefined ? { baseUrl: props.url } : {}),
    });
    const names = forgeResourceNames(props.teams.map((t) => t.name));
    for (const team of props.teams) {
      const teamName = names.get(team.name)!;
      // Closed: visible to the organisation, so members see who holds which access.
      const resource = new Team(this, `team-${team.name}`, {
        name: team.name,
        description: team.description,
        privacy: 'closed',
      });
      resource.overrideLogicalId(teamName);
      const logins = forgeResourceNames(team.members);
      for (const login of team.members)
        new TeamMembership(this, `member-${team.name}-${login}`, {
          teamId: resource.id,
          username: login,
          // GitHub reads an organisation owner's membership back as maintainer, whatever it was given.
          role: props.owners?.includes(login) ? 'maintainer' : 'member',
        }).overrideLogicalId(`${teamName}-${logins.get(login)!.replace(/^_/, '')}`);
    }
  }
}
