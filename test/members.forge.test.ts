// The forge stack: teams from roles.yaml, memberships from members.yaml, on Gitea and on GitHub, pinned on the
// members fixture organisation; and a real terraform rehearsal of it, onboarding and offboarding included.
import { readFileSync } from 'node:fs';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { GITEA_TEAM_UNITS } from '../constructs/GiteaTeams.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { removeMember } from '../members/edit.ts';
import { forgePlan } from '../members/forge.ts';
import { loadInventory } from '../model/load.ts';
import { checkStack, type ProviderSchemaFile } from '../providers/conformance.ts';
import { ForgeStack } from '../stacks/ForgeStack.ts';
import type { StackJson } from '../stacks/stack-json.ts';
import { FIXTURE_TODAY, fixtureOrg, replace } from './helpers/members.ts';
import { rehearseChange } from './helpers/rehearse-change.ts';
import { TERRAFORM_MISSING } from './helpers/terraform.ts';
import { PROVIDER_REGISTRY } from '../constructs/provider-registry.ts';

const GITEA = '\nforge:\n  kind: gitea\n  url: https://git.test.example.org\n  organisation: fixture\n';
const GITHUB = '\nforge:\n  kind: github\n  organisation: fixture-org\n';
type Resources = Record<string, Record<string, Record<string, unknown>>>;

function load(edits: Parameters<typeof fixtureOrg>[0] = {}): Inventory {
  const result = loadInventory(fixtureOrg(edits), { today: FIXTURE_TODAY });
  if (!result.inventory) throw new Error(result.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  return result.inventory;
}

function synthForge(inventory: Inventory): StackJson {
  const app = Testing.app();
  const stack = new ForgeStack(app, { plan: forgePlan(inventory)!, env: {} });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

function resources(json: StackJson): Resources {
  return Object.fromEntries(
    Object.entries((json.resource ?? {}) as Resources).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName).map(([name, r]) => {
          const { '//': _, ...rest } = r;
          return [name, rest];
        }),
      ),
    ]),
  );
}

const DESCRIPTION = (role: string): string =>
  `Members of the role ${role} (inventory/roles.yaml); managed by the forge stack`;

// The repositories the fixture's teams reach (roles.yaml's forge_repositories).
const REPOSITORIES = (t: string): string =>
  replace(
    'forge_teams: [developers]\n',
    'forge_teams: [developers]\n    forge_repositories: [website]\n',
  )(
    replace(
      'forge_teams: [admins]\n',
      'forge_teams: [admins]\n    forge_repositories: [website, infra]\n',
    )(t),
  );

describe('the forge stack on Gitea', () => {
  const inv = load({ org: (t) => t + GITEA, roles: REPOSITORIES });

  it('has a team per forge team of the roles and a membership per member and team', () => {
    const json = synthForge(inv);
    expect((json.provider as Record<string, unknown>).gitea).toEqual([
      { base_url: 'https://git.test.example.org' },
    ]);
    const team = (name: string): string => `\${gitea_team.${name}.id}`;
    expect(resources(json)).toEqual({
      gitea_team: {
        admins: {
          name: 'admins',
          organisation: 'fixture',
          description: DESCRIPTION('admin'),
          permission: 'read',
          units: GITEA_TEAM_UNITS,
          include_all_repositories: false,
          can_create_repos: false,
          repositories: ['infra', 'website'],
        },
        developers: {
          name: 'developers',
          organisation: 'fixture',
          description: DESCRIPTION('developer'),
          permission: 'read',
          units: GITEA_TEAM_UNITS,
          include_all_repositories: false,
          can_create_repos: false,
          repositories: ['website'],
        },
      },
      gitea_team_membership: {
        'admins-ada': { team_id: team('admins'), username: 'ada' },
        'admins-bob': { team_id: team('admins'), username: 'bob' },
        'developers-ada': { team_id: team('developers'), username: 'ada' },
        'developers-bob': { team_id: team('developers'), username: 'bob' },
        'developers-cy': { team_id: team('developers'), username: 'cy' },
      },
    });
  });

  it("uses a member's forge_user as their login, and the highest forge_permission of a team's roles", () => {
    const other = load({
      org: (t) => t + GITEA,
      members: replace('    sponsor: ada\n', '    sponsor: ada\n    forge_user: Cy.Twombly\n'),
      roles: replace(
        '    forge_teams: [admins]\n',
        '    forge_teams: [admins, developers]\n    forge_permission: write\n',
      ),
    });
    const json = resources(synthForge(other));
    expect(json.gitea_team_membership!['developers-Cy_Twombly']).toEqual({
      team_id: '${gitea_team.developers.id}',
      username: 'Cy.Twombly',
    });
    expect(json.gitea_team!.developers!.permission).toBe('write');
    expect(json.gitea_team!.developers!.description).toBe(
      'Members of the roles admin, developer (inventory/roles.yaml); managed by the forge stack',
    );
  });

  it('keeps the token out of the stack: the provider reads GITEA_TOKEN itself', () => {
    const text = JSON.stringify(synthForge(inv));
    expect(text).not.toMatch(/token"|password"/);
  });

  it('conforms to the pinned gitea schema', () => {
    const schema = JSON.parse(readFileSync('providers/gitea/schema.json', 'utf8')) as ProviderSchemaFile &
      Record<string, unknown>;
    expect(schema.x_pinned).toMatchObject({ provider: PROVIDER_REGISTRY.gitea.source });
    expect(checkStack(synthForge(inv), [schema])).toEqual([]);
  });

  it('is not synthesized when org.yaml names no forge', () => {
    expect(forgePlan(load())).toBeUndefined();
  });

  it('refuses a Gitea forge without its URL, at the check', () => {
    const result = loadInventory(
      fixtureOrg({ org: (t) => `${t}\nforge:\n  kind: gitea\n  organisation: fixture\n` }),
      { today: FIXTURE_TODAY },
    );
    expect(result.errors.map((e) => `${e.path} ${e.message}`)).toEqual([
      expect.stringMatching(/^forge .*has no url; a Gitea forge needs its base URL/),
    ]);
  });
});

describe('the forge stack on GitHub', () => {
  it('has a closed team per forge team and a member-role membership per member and team', () => {
    const json = synthForge(load({ org: (t) => t + GITHUB }));
    expect((json.provider as Record<string, unknown>).github).toEqual([{ owner: 'fixture-org' }]);
    const r = resources(json);
    expect(Object.keys(r).sort()).toEqual(['github_team', 'github_team_membership']);
    expect(r.github_team!.developers).toEqual({
      name: 'developers',
      description: DESCRIPTION('developer'),
      privacy: 'closed',
    });
    expect(Object.keys(r.github_team_membership!).sort()).toEqual([
      'admins-ada',
      'admins-bob',
      'developers-ada',
      'developers-bob',
      'developers-cy',
    ]);
    expect(r.github_team_membership!['developers-cy']).toEqual({
      team_id: '${github_team.developers.id}',
      username: 'cy',
      role: 'member',
    });
    expect(JSON.stringify(json)).not.toMatch(/token"/);
    expect((json.terraform as { required_providers: unknown }).required_providers).toEqual({
      github: { source: PROVIDER_REGISTRY.github.source, version: PROVIDER_REGISTRY.github.version },
    });
  });

  it("makes the organisation's owners maintainers, the role GitHub reads back for them", () => {
    const owners = '\nforge:\n  kind: github\n  organisation: fixture-org\n  owners: [ada]\n';
    const r = resources(synthForge(load({ org: (t) => t + owners })));
    const roles = Object.fromEntries(
      Object.entries(r.github_team_membership!).map(([name, m]) => [name, m.role]),
    );
    expect(roles).toEqual({
      'admins-ada': 'maintainer',
      'admins-bob': 'member',
      'developers-ada': 'maintainer',
      'developers-bob': 'member',
      'developers-cy': 'member',
    });
  });

  it('conforms to the pinned github schema (the release the prebuilt bindings come from)', () => {
    const schema = JSON.parse(readFileSync('providers/github/schema.json', 'utf8')) as ProviderSchemaFile &
      Record<string, unknown>;
    expect(schema.x_pinned).toMatchObject({ provider: PROVIDER_REGISTRY.github.source });
    expect(checkStack(synthForge(load({ org: (t) => t + GITHUB })), [schema])).toEqual([]);
  });
});

describe.skipIf(TERRAFORM_MISSING)('the forge stack with the real terraform against the simulator', () => {
  it("gitea: the second plan is clean only with units in the form the provider reads back, not in the provider's default", async () => {
    const json = synthForge(load({ org: (t) => t + GITEA }));
    const withDefault = structuredClone(json);
    for (const team of Object.values((withDefault.resource as Resources).gitea_team!)) delete team.units;
    const { first, second } = await rehearseChange('forge', withDefault, json);
    expect(first.failed).toBe('second plan');
    expect(first.detail).toMatch(/units.*"\[repo\.code repo\.issues/s);
    expect(second, second.detail).toMatchObject({
      ok: true,
      // The state holds the read-back form already: writing it in the configuration changes nothing.
      planned: { create: 0, update: 0, delete: 0 },
      secondPlanClean: true,
    });
  }, 120_000);

  it.each([
    ['gitea', GITEA],
    ['github', GITHUB],
  ])(
    '%s: applies, converges, and an offboarding destroys exactly that member’s membership',
    async (_kind, forge) => {
      const { first, second } = await rehearseChange(
        'forge',
        synthForge(load({ org: (t) => t + forge })),
        synthForge(load({ org: (t) => t + forge, members: (t) => removeMember(t, 'cy') })),
      );
      expect(first, first.detail).toMatchObject({ ok: true, planned: { create: 7, update: 0, delete: 0 } });
      expect(second, second.detail).toMatchObject({
        ok: true,
        planned: { create: 0, update: 0, delete: 1 },
        secondPlanClean: true,
      });
    },
    120_000,
  );
});
