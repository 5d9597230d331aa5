// Gitea and Drone converged for real in one bookworm root with Podman: app.ini parsed by Python and checked against upstream's keys, the admin bootstrap once, units systemd-analyze accepts, a second run changed=0.
// Gitea itself cannot be had here (neither Debian nor the npm registry ships it, and dl.gitea.com is out of
// reach), so a stand-in script served from a loopback HTTP server takes its place for the install mechanics
// and records how the bootstrap calls it. Skipped with a printed reason where the tools or root are missing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlaybook } from '../baseline/ansible.ts';
import { droneParts } from '../baseline/drone.ts';
import { GITEA_ADMIN, GITEA_ADMIN_MARKER, GITEA_CONFIG, giteaPart } from '../baseline/gitea.ts';
import { GITEA_SAMPLE_KEYS } from '../baseline/gitea-sample.ts';
import { releaseAppPart } from '../baseline/releases.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { modelFromParts } from '../baseline/vm-model.ts';
import type { Release } from '../inventory/releases.schema.ts';
import type { Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable, runCleanups } from './helpers/debian-root.ts';
import { forgeModel, PINNED_DRONE, withDrone } from './helpers/forge-org.ts';
import { vmNamed } from './helpers/inventories.ts';
import { chrootInventory, type PlaybookRun, runPlaybook } from './helpers/playbook.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the forge real-root tests: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'forge-root-'));
const root = join(work, 'root');
const cleanups: (() => void)[] = [];
let server: Server | undefined;
let model: Model;
let playbook = '';
let hosts = '';
const varsFile = join(work, 'secrets.yml');
/** Throwaway store values: letters and digits, as the store makes them. */
const values = new Map<string, string>();
const inside = (path: string): string => join(root, path);
const converge = (): Promise<PlaybookRun> => runPlaybook(hosts, playbook, ['-e', `@${varsFile}`]);

/** Stands in for the gitea binary: records who ran it with which arguments, and succeeds. */
const STAND_IN = Buffer.from('#!/bin/sh\necho "$(id -un) $*" >> /var/lib/gitea/stand-in.log\n');

/** Gitea, the Drone server and a runner of the fixture, in one playbook for one root. */
function forgePlaybook(release: Release): string {
  model = forgeModel({ gitea: release }, (i) => ({ ...withDrone(i), containers: PINNED_DRONE }));
  const { inventory } = model;
  const git = vmNamed(inventory, 'git');
  const gitea = model.services.instances.find((i) => i.kind === 'gitea')!;
  const parts = [
    { name: 'admin group', groups: [inventory.org.admin.group] },
    releaseAppPart('gitea', gitea.def.release!, release),
    giteaPart(model, git)!,
    ...droneParts(model, vmNamed(inventory, 'ci')),
    ...droneParts(model, vmNamed(inventory, 'runner1')),
  ];
  const path = join(work, 'forge.yml');
  writeFileSync(path, renderPlaybook(modelFromParts(inventory, git, parts, [])));
  return path;
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const srv = createServer((req, res) => {
    const ok = req.url === '/gitea/1.22.6/gitea-1.22.6-linux-amd64';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(ok ? STAND_IN : 'not found');
  });
  server = srv;
  await new Promise<void>((ready) => srv.listen(0, '127.0.0.1', ready));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  playbook = forgePlaybook({
    version: '1.22.6',
    url: `${base}/gitea/1.22.6/gitea-1.22.6-linux-amd64`,
    sha256: createHash('sha256').update(STAND_IN).digest('hex'),
  });
  secretNeeds(model).forEach((need, n) =>
    values.set(secretKey(need), `throwaway${n}x${need.name.replace(/-/g, '')}`),
  );
  writeFileSync(varsFile, secretVarsFile(values), { mode: 0o600 });
  const started = performance.now();
  const built = debianRoot(['python3', 'systemd', 'podman']);
  cleanups.push(hostRoot(built.dir, root));
  console.info(`debian root with podman ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  mkdirSync(join(work, 'inv'), { recursive: true });
  hosts = chrootInventory(join(work, 'inv'), 'git', root);
}, 900_000);

afterAll(async () => {
  const srv = server;
  if (srv) await new Promise((closed) => srv.close(closed));
  runCleanups(cleanups, work);
});

describe.skipIf(UNAVAILABLE)('Gitea and Drone on a real Debian root', () => {
  let first: PlaybookRun;

  it('converges the release, app.ini, the bootstrap and the Drone units', async () => {
    first = await converge();
    expect(first.failed, first.output).toEqual([]);
    expect(first.status, first.output).toBe(0);
    expect(first.changed).toContain(`Gitea administrator ${GITEA_ADMIN} on git, once`);
  }, 600_000);

  it("writes an app.ini Python's configparser reads, with only keys upstream's sample knows and the store's values", () => {
    const stat = statSync(inside(GITEA_CONFIG));
    expect(stat.mode & 0o777).toBe(0o640);
    expect(inRoot(root, ['stat', '-c', '%U:%G', GITEA_CONFIG]).output.trim()).toBe('root:git');
    const read = inRoot(root, [
      'python3',
      '-c',
      `import configparser,json\nc=configparser.ConfigParser(interpolation=None,strict=True)\nc.optionxform=str\nc.read_string("[root]\\n"+open("${GITEA_CONFIG}").read())\nprint(json.dumps({s:dict(c[s]) for s in c.sections()}))`,
    ]);
    expect(read.status, read.output).toBe(0);
    const ini = JSON.parse(read.output) as Record<string, Record<string, string>>;
    for (const [section, keys] of Object.entries(ini))
      for (const key of Object.keys(keys))
        expect(
          GITEA_SAMPLE_KEYS[section === 'root' ? '' : section]?.[key],
          `[${section}] ${key}`,
        ).toBeDefined();
    expect(ini.database!.PASSWD).toBe(values.get('service/gitea-git/db-password'));
    expect(ini.security!.SECRET_KEY).toBe(values.get('service/gitea-git/secret-key'));
    expect(ini.oauth2!.JWT_SECRET).toBe(values.get('service/gitea-git/jwt-secret'));
    expect(ini.security!.INSTALL_LOCK).toBe('true');
  });

  it('bootstraps the administrator as git with the password from the store, once', () => {
    const log = readFileSync(inside('/var/lib/gitea/stand-in.log'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^git --config \/etc\/gitea\/app.ini --work-path \/var\/lib\/gitea migrate$/);
    expect(log[1]).toContain(`admin user create --admin --username ${GITEA_ADMIN}`);
    expect(log[1]).toContain(`--password ${values.get('service/gitea-git/admin-password')!}`);
    expect(existsSync(inside(`/var/lib/gitea/${GITEA_ADMIN_MARKER}`))).toBe(true);
    expect(first.output).not.toContain(values.get('service/gitea-git/admin-password')!);
  });

  it('writes the Drone env files 0600 with the shared RPC secret and the database URL filled in', () => {
    const serverEnv = readFileSync(inside('/etc/drone/drone-server.env'), 'utf8');
    const runnerEnv = readFileSync(inside('/etc/drone-runner/drone-runner.env'), 'utf8');
    expect(statSync(inside('/etc/drone/drone-server.env')).mode & 0o777).toBe(0o600);
    const rpc = values.get('service/drone-server-ci/rpc-secret')!;
    expect(serverEnv).toContain(`DRONE_RPC_SECRET=${rpc}\n`);
    expect(runnerEnv).toContain(`DRONE_RPC_SECRET=${rpc}\n`);
    expect(serverEnv).toContain(
      `DRONE_DATABASE_DATASOURCE=postgres://drone_ci:${values.get('service/drone-server-ci/db-password')!}@db1.fixture.example.org:5432/drone_ci?sslmode=disable\n`,
    );
  });

  it('writes units that systemd-analyze verify accepts in a root with podman', () => {
    for (const unit of ['gitea.service', 'drone-server.service', 'drone-runner.service']) {
      const verify = inRoot(root, ['systemd-analyze', 'verify', `/etc/systemd/system/${unit}`]);
      expect(verify.status, `${unit}: ${verify.output}`).toBe(0);
    }
    expect(readFileSync(inside('/etc/systemd/system/drone-server.service'), 'utf8')).toContain(
      PINNED_DRONE['drone-server']!.image,
    );
  });

  it('changes nothing on the second run and does not bootstrap again', async () => {
    const again = await converge();
    expect(again.status, again.output).toBe(0);
    expect(again.changed).toEqual([]);
    expect(readFileSync(inside('/var/lib/gitea/stand-in.log'), 'utf8').trim().split('\n')).toHaveLength(2);
  }, 600_000);
});
