// Drone's OAuth application in Gitea through the forge stack: the resource and outputs, schema conformance, and a real terraform rehearsal against the simulator.
import { readFileSync } from 'node:fs';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { DroneOauthApp } from '../constructs/DroneOauthApp.ts';
import { forgePlan } from '../members/forge.ts';
import { loadInventory } from '../model/load.ts';
import { checkStack, type ProviderSchemaFile } from '../providers/conformance.ts';
import { droneLogins } from '../stacks/app.ts';
import { ForgeStack } from '../stacks/ForgeStack.ts';
import type { StackJson } from '../stacks/stack-json.ts';
import { forgeModel, withDrone } from './helpers/forge-org.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';
import { rehearseChange } from './helpers/rehearse-change.ts';
import { TERRAFORM_MISSING } from './helpers/terraform.ts';

const GITEA = '\nforge:\n  kind: gitea\n  url: https://git.test.example.org\n  organisation: fixture\n';
const DRONE = [{ vm: 'ci', redirectUri: 'https://ci.fixture.example.org/login' }];

function synthForge(drone: typeof DRONE | undefined): StackJson {
  const result = loadInventory(fixtureOrg({ org: (t) => t + GITEA }), { today: FIXTURE_TODAY });
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  const stack = new ForgeStack(Testing.app(), { plan: forgePlan(result.inventory)!, drone, env: {} });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

describe("Drone's OAuth application in the forge stack", () => {
  const json = synthForge(DRONE);

  it('asks Gitea for a confidential client that sends logins back to Drone', () => {
    const apps = (json.resource as Resources).gitea_oauth2_app!;
    expect(Object.keys(apps)).toEqual(['drone_ci']);
    expect(apps.drone_ci).toMatchObject({
      name: 'drone-ci',
      redirect_uris: ['https://ci.fixture.example.org/login'],
      confidential_client: true,
    });
  });

  it('outputs the client id, and the secret only as a sensitive output', () => {
    const outputs = json.output as Record<string, { value: string; sensitive?: boolean }>;
    expect(outputs.drone_oauth_client_id_ci!.value).toMatch(/gitea_oauth2_app\.drone_ci\.client_id/);
    expect(outputs.drone_oauth_client_secret_ci).toMatchObject({ sensitive: true });
    expect(outputs.drone_oauth_client_secret_ci!.value).toMatch(/gitea_oauth2_app\.drone_ci\.client_secret/);
  });

  it('conforms to the pinned gitea schema, which has gitea_oauth2_app', () => {
    const schema = JSON.parse(readFileSync('providers/gitea/schema.json', 'utf8')) as ProviderSchemaFile;
    expect(checkStack(json, [schema])).toEqual([]);
  });

  it('makes none without a Drone server, and derives the redirect URI from the model', () => {
    expect((synthForge(undefined).resource as Resources).gitea_oauth2_app).toBeUndefined();
    expect(droneLogins(forgeModel(undefined, withDrone))).toEqual(DRONE);
    expect(droneLogins(forgeModel())).toEqual([]);
  });

  it('refuses a redirect URI that is not https://<name>/login', () => {
    const stack = new ForgeStack(Testing.app(), {
      plan: { kind: 'gitea', organisation: 'x', url: 'https://g.example.org', teams: [], owners: [] },
      env: {},
    });
    expect(
      () => new DroneOauthApp(stack, 'bad', { vm: 'ci', redirectUri: 'http://ci.example.org/' }),
    ).toThrow(/expected https:\/\/<Drone's name>\/login/);
  });
});

describe.skipIf(TERRAFORM_MISSING)(
  'the OAuth application with the real terraform against the simulator',
  () => {
    it('is created with a client id and secret from Gitea, and the second plan is clean', async () => {
      const before = synthForge(undefined);
      const { first, second } = await rehearseChange('forge', before, synthForge(DRONE));
      expect(first, first.detail).toMatchObject({ ok: true, secondPlanClean: true });
      expect(second, second.detail).toMatchObject({
        ok: true,
        planned: { create: 1, update: 0, delete: 0 },
        secondPlanClean: true,
      });
    }, 300_000);
  },
);
