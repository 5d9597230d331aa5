// Pinned upstream releases installed for real in a bookworm root from a loopback HTTP server: verified before
// anything lands, side by side per version behind `current`, idempotent, with units systemd-analyze accepts.
// Skipped with a printed reason where the tools or root are missing (.ci/run installs them; CI runs as root).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlaybook } from '../baseline/ansible.ts';
import { releaseAppPart } from '../baseline/releases.ts';
import { gitea as giteaKind } from '../services/kinds/gitea.ts';
import type { ReleaseApp } from '../services/types.ts';
import { modelFromParts } from '../baseline/vm-model.ts';
import type { Release } from '../inventory/releases.schema.ts';
import { loadInventory } from '../model/load.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable, runCleanups } from './helpers/debian-root.ts';
import { chrootInventory, type PlaybookRun, runPlaybook } from './helpers/playbook.ts';
import { type ReleaseServer, startReleaseServer } from './helpers/release-server.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the release real-root tests: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'releases-root-'));
const root = join(work, 'root');
const cleanups: (() => void)[] = [];
/** The loopback server and what it serves, by URL path. */
let server: ReleaseServer | undefined;
const served = (): Map<string, Buffer> => server!.served;

/** An application whose release is a tar.gz with one top directory, like Nextcloud's and Etherpad's. */
const DEMO: ReleaseApp = { user: 'demo', dataDir: '/var/lib/demo', program: 'bin/demo', args: ['serve'] };

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A stand-in for the Gitea binary: a script that says which version it is. */
function fakeBinary(version: string): Buffer {
  return Buffer.from(`#!/bin/sh\necho "gitea ${version}"\n`);
}

/** A tar.gz holding demo-<version>/bin/demo, built with the real tar. */
function fakeTarball(version: string): Buffer {
  const dir = mkdtempSync(join(work, 'tar-'));
  mkdirSync(join(dir, `demo-${version}`, 'bin'), { recursive: true });
  writeFileSync(join(dir, `demo-${version}`, 'bin', 'demo'), `#!/bin/sh\necho "demo ${version}"\n`, {
    mode: 0o755,
  });
  execFileSync('tar', ['-czf', join(dir, 'a.tar.gz'), '-C', dir, `demo-${version}`]);
  return readFileSync(join(dir, 'a.tar.gz'));
}

function publish(path: string, bytes: Buffer): Release {
  served().set(path, bytes);
  const version = /(\d+\.\d+\.\d+)/.exec(path)![1]!;
  return { version, url: `${server!.base}${path}`, sha256: sha256(bytes) };
}

/** The playbook of the fixture's forge VM with only these releases, written into a fresh directory. */
function playbook(name: string, gitea: Release, demo: Release): string {
  const result = loadInventory('test/fixtures/services/good');
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  const inventory = result.inventory;
  const vm = inventory.vms.find((v) => v.name === 'git')!;
  const parts = [
    // The bootstrap admin every model has needs its group, which the security part makes on a real VM.
    { name: 'admin group', groups: [inventory.org.admin.group] },
    releaseAppPart('gitea', giteaKind.release!, gitea),
    releaseAppPart('demo', DEMO, demo),
  ];
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'git.yml');
  writeFileSync(path, renderPlaybook(modelFromParts(inventory, vm, parts, [])));
  return path;
}

let hosts = '';
const converge = (path: string): Promise<PlaybookRun> => runPlaybook(hosts, path);
const inside = (path: string): string => join(root, path);

beforeAll(async () => {
  if (UNAVAILABLE) return;
  server = await startReleaseServer();
  const started = performance.now();
  const built = debianRoot(['python3', 'systemd']);
  cleanups.push(hostRoot(built.dir, root));
  console.info(`debian root ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${built.dir})`);
  hosts = chrootInventory(work, 'git', root);
}, 900_000);

afterAll(async () => {
  await server?.close();
  runCleanups(cleanups, work);
});

describe.skipIf(UNAVAILABLE)('pinned releases on a real Debian root', () => {
  let gitea1: Release;
  let demo1: Release;

  it('installs a verified release under /opt/<app>/<version> and points current at it', async () => {
    gitea1 = publish('/gitea/1.0.0/gitea-1.0.0-linux-amd64', fakeBinary('1.0.0'));
    demo1 = publish('/demo/demo-1.0.0.tar.gz', fakeTarball('1.0.0'));
    const run = await converge(playbook('v1', gitea1, demo1));
    expect(run.failed, run.output).toEqual([]);
    expect(run.status, run.output).toBe(0);
    expect(readlinkSync(inside('/opt/gitea/current'))).toBe('/opt/gitea/1.0.0');
    expect(inRoot(root, ['/opt/gitea/current/gitea']).output).toBe('gitea 1.0.0\n');
    expect(inRoot(root, ['/opt/demo/current/bin/demo']).output).toBe('demo 1.0.0\n');
    expect(inRoot(root, ['id', '-u', 'git']).status).toBe(0);
    expect(lstatSync(inside('/var/lib/gitea')).mode & 0o777).toBe(0o750);
  }, 600_000);

  it('changes nothing on the second run', async () => {
    const run = await converge(playbook('v1-again', gitea1, demo1));
    expect(run.status, run.output).toBe(0);
    expect(run.changed).toEqual([]);
  }, 600_000);

  it('refuses an artifact whose checksum is wrong before anything is unpacked or switched', async () => {
    const tampered = publish('/gitea/1.1.0/gitea-1.1.0-linux-amd64', fakeBinary('1.1.0'));
    served().set('/gitea/1.1.0/gitea-1.1.0-linux-amd64', fakeBinary('1.1.0-evil'));
    const before = readdirSync(inside('/opt/gitea')).sort();
    const run = await converge(playbook('tampered', tampered, demo1));
    expect(run.status).not.toBe(0);
    expect(run.failed).toEqual(['Download gitea 1.1.0, verified against its pinned checksum']);
    expect(run.output).toMatch(/checksum/i);
    expect(existsSync(inside('/opt/gitea/1.1.0'))).toBe(false);
    expect(readdirSync(inside('/opt/gitea/.staging')).some((f) => f.startsWith('1.1.0'))).toBe(false);
    expect(readdirSync(inside('/opt/gitea')).sort()).toEqual(before);
    expect(readlinkSync(inside('/opt/gitea/current'))).toBe('/opt/gitea/1.0.0');
  }, 600_000);

  it('installs a bump side by side, switches current and keeps the previous version', async () => {
    const gitea2 = publish('/gitea/1.2.0/gitea-1.2.0-linux-amd64', fakeBinary('1.2.0'));
    const demo2 = publish('/demo/demo-1.2.0.tar.gz', fakeTarball('1.2.0'));
    const run = await converge(playbook('v2', gitea2, demo2));
    expect(run.status, run.output).toBe(0);
    expect(run.changed).toContain('Switch /opt/gitea/current to 1.2.0');
    expect(readlinkSync(inside('/opt/gitea/current'))).toBe('/opt/gitea/1.2.0');
    expect(inRoot(root, ['/opt/gitea/current/gitea']).output).toBe('gitea 1.2.0\n');
    expect(inRoot(root, ['/opt/gitea/1.0.0/gitea']).output).toBe('gitea 1.0.0\n');
    expect(inRoot(root, ['/opt/demo/current/bin/demo']).output).toBe('demo 1.2.0\n');
    expect(existsSync(inside('/opt/demo/1.0.0/bin/demo'))).toBe(true);
    // A rollback is the same run with the old pin: current moves back, nothing is downloaded again.
    const back = await converge(playbook('rollback', gitea1, demo1));
    expect(back.status, back.output).toBe(0);
    expect(readlinkSync(inside('/opt/gitea/current'))).toBe('/opt/gitea/1.0.0');
    expect(back.changed.filter((t) => t.startsWith('Download'))).toEqual([]);
  }, 600_000);

  it('writes units that systemd-analyze verify accepts in the root', () => {
    for (const unit of ['gitea.service', 'demo.service']) {
      const text = readFileSync(inside(`/etc/systemd/system/${unit}`), 'utf8');
      expect(text).toMatch(/^ProtectSystem=strict$/m);
      expect(text).toMatch(/^NoNewPrivileges=yes$/m);
      expect(text).toMatch(/^ReadWritePaths=\/var\/lib\/\w+$/m);
      const verify = inRoot(root, ['systemd-analyze', 'verify', `/etc/systemd/system/${unit}`]);
      expect(verify.status, verify.output).toBe(0);
    }
  });
});
