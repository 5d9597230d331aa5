// Drone from container images pinned by digest: the pin's schema, the Podman units and environment files from the model, and the OAuth secrets Gitea makes.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containerUnit, envFile } from '../baseline/containers.ts';
import { droneParts, droneRunnerEnv, droneServerEnv } from '../baseline/drone.ts';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { pinnedReleasesReport } from '../stacks/pinned-releases.ts';
import { forgeModel, PINNED_DRONE, withDrone } from './helpers/forge-org.ts';
import { vmNamed } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'drone-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const model = forgeModel(undefined, (i) => ({ ...withDrone(i), containers: PINNED_DRONE }));
const server = model.services.instances.find((i) => i.kind === 'drone-server')!;
const runner = model.services.instances.find((i) => i.kind === 'drone-runner')!;

const GITEA_PIN = `releases:\n  gitea:\n    version: 1.22.6\n    url: https://dl.gitea.com/gitea/1.22.6/gitea-1.22.6-linux-amd64\n    sha256: ${'a'.repeat(64)}\n`;

function withReleases(yaml: string): ReturnType<typeof loadInventory> {
  const dir = join(work, `inv-${Math.random().toString(36).slice(2)}`);
  cpSync('test/fixtures/services/good', dir, { recursive: true });
  writeFileSync(join(dir, 'releases.yaml'), yaml);
  return loadInventory(dir);
}

describe('container pins in releases.yaml', () => {
  it('takes an image by registry, repository and digest', () => {
    const digest = 'a'.repeat(64);
    const result = withReleases(
      `${GITEA_PIN}containers:\n  drone-server:\n    version: 2.26.0\n    image: docker.io/drone/drone@sha256:${digest}\n`,
    );
    expect(result.errors).toEqual([]);
    expect(result.inventory!.containers!['drone-server']!.image).toBe(
      `docker.io/drone/drone@sha256:${digest}`,
    );
  });

  it('refuses a tag without digest, with its file, line and field', () => {
    const result = withReleases(
      `${GITEA_PIN}containers:\n  drone-server:\n    version: 2.26.0\n    image: drone/drone:2.26.0\n`,
    );
    const lines = result.errors.map(formatFinding);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /releases\.yaml:9:\d+\s+containers\.drone-server\.image\s+.*is not an image pinned by digest/,
    );
  });

  it('shows a pinned image in the review list, so a bump reads as a version change', () => {
    expect(pinnedReleasesReport(model.inventory)).toContain(
      `drone-server 2.26.0 docker.io/drone/drone@sha256:${'1'.repeat(64)}`,
    );
  });
});

describe('Drone from the model', () => {
  it("points the server at its name, Gitea's, and its database on db1, every secret a store reference", () => {
    const env = new Map(droneServerEnv(model, server));
    expect(env.get('DRONE_SERVER_HOST')).toBe('ci.fixture.example.org');
    expect(env.get('DRONE_SERVER_PORT')).toBe(':8080');
    expect(env.get('DRONE_GITEA_SERVER')).toBe('https://code.fixture.example.org');
    expect(env.get('DRONE_DATABASE_DATASOURCE')).toBe(
      "postgres://drone_ci:{{ secrets['service/drone-server-ci/db-password'] }}@db1.fixture.example.org:5432/drone_ci?sslmode=disable",
    );
    expect(env.get('DRONE_RPC_SECRET')).toBe("{{ secrets['service/drone-server-ci/rpc-secret'] }}");
    expect(env.get('DRONE_GITEA_CLIENT_ID')).toBe("{{ secrets['service/drone-server-ci/gitea-client-id'] }}");
  });

  it("gives the runner the server's RPC secret, its name and half its cores", () => {
    const env = new Map(droneRunnerEnv(model, runner));
    expect(env.get('DRONE_RPC_HOST')).toBe('ci.fixture.example.org');
    expect(env.get('DRONE_RPC_SECRET')).toBe("{{ secrets['service/drone-server-ci/rpc-secret'] }}");
    expect(env.get('DRONE_RUNNER_NAME')).toBe('runner1.fixture.example.org');
    expect(env.get('DRONE_RUNNER_CAPACITY')).toBe('4');
    const rpc = secretNeeds(model).find((n) => secretKey(n) === 'service/drone-server-ci/rpc-secret')!;
    expect(rpc.vms).toEqual(['ci', 'runner1']);
  });

  it('runs exactly the pinned digest with podman run --rm under systemd, the runner through the Podman socket', () => {
    const [serverPart] = droneParts(model, vmNamed(model.inventory, 'ci'));
    const [runnerPart] = droneParts(model, vmNamed(model.inventory, 'runner1'));
    const unit = serverPart!.files!.find(
      (f) => f.path === '/etc/systemd/system/drone-server.service',
    )!.content;
    expect(unit).toMatch(/ExecStart=\/usr\/bin\/podman run --rm --name drone-server /);
    expect(unit).toContain(PINNED_DRONE['drone-server']!.image);
    expect(unit).toContain('--volume /var/lib/drone:/data');
    const runnerUnit = runnerPart!.files!.find((f) => f.path.endsWith('drone-runner.service'))!.content;
    expect(runnerUnit).toContain('--volume /run/podman/podman.sock:/var/run/docker.sock');
    expect(runnerPart!.services).toEqual(['drone-runner', 'podman.socket']);
    const envFileOf = serverPart!.files!.find((f) => f.path === '/etc/drone/drone-server.env')!;
    expect(envFileOf).toMatchObject({
      permissions: '0600',
      secret: true,
      reload: 'restart release drone-server',
    });
  });

  it('installs no Drone without a pinned image, and warns once releases.yaml pins any image but not this one', () => {
    const unpinned = forgeModel(undefined, (i) => withDrone(i));
    expect(droneParts(unpinned, vmNamed(unpinned.inventory, 'ci'))).toEqual([]);
    expect(secretNeeds(unpinned).some((n) => n.madeBy !== undefined)).toBe(false);
    const dir = join(work, 'with-drone');
    cpSync('test/fixtures/services/good', dir, { recursive: true });
    const vms = readFileSync(join(dir, 'vms.yaml'), 'utf8').replace(
      'services:\n      - kind: gitea',
      'services:\n      - kind: drone-runner\n      - kind: gitea',
    );
    writeFileSync(join(dir, 'vms.yaml'), vms);
    const image = `docker.io/drone/drone@sha256:${'a'.repeat(64)}`;
    writeFileSync(
      join(dir, 'releases.yaml'),
      `${GITEA_PIN}containers:\n  drone-server:\n    version: 2.26.0\n    image: ${image}\n`,
    );
    const result = loadInventory(dir);
    expect(result.warnings.map(formatFinding).join('\n')).toMatch(
      /vms\.yaml:\d+:\d+\s+vms\[\d+\]\.services\[0\]\.kind\s+warning: drone-runner runs from a container image, but inventory\/releases\.yaml pins none/,
    );
  });

  it('refuses an environment value with a line break and a bad variable name', () => {
    expect(() => envFile([['A', 'x\ny']])).toThrow(/line break/);
    expect(() => envFile([['a b', 'x']])).toThrow(/not an environment variable/);
    expect(containerUnit('x', { volumes: [], configDir: '/etc/x' }, PINNED_DRONE['drone-server']!)).toMatch(
      /^ExecStartPre=\/usr\/bin\/podman rm --force --ignore x$/m,
    );
  });
});

describe("Drone's OAuth credentials", () => {
  it('are needed by the server only, and made by Gitea rather than generated', () => {
    const made = secretNeeds(model).filter((n) => n.madeBy !== undefined);
    expect(made.map(secretKey)).toEqual([
      'service/drone-server-ci/gitea-client-id',
      'service/drone-server-ci/gitea-client-secret',
    ]);
    for (const need of made) {
      expect(need.vms).toEqual(['ci']);
      expect(need.madeBy).toMatch(/forge stack output drone_oauth_client_(id|secret)/);
    }
  });
});
