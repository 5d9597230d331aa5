// Borg backups end to end in real bookworm roots: the repository root's sshd (in a network namespace of the
// test's own, on loopback) lets the client in with its append-only key from the store, the client's converge
// makes its repository once, borgmatic backs up over SSH and `borg list` on the repository shows the archive;
// a second converge of both changes nothing. Skipped with a printed reason where the tools or root are missing.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { backupKeyFile } from '../inventory/backup-keys.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable } from './helpers/debian-root.ts';
import { FIXTURE, validInventory, vmNamed } from './helpers/inventories.ts';
import { Lab, waitFor } from './helpers/netns.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v ip']).status === 0 ? undefined : 'ip is missing (iproute2)');
if (UNAVAILABLE) console.warn(`skipping the backup real-root tests: ${UNAVAILABLE}`);

/** The fixture's borg repository VM and a client of it in the same site. */
const REPO = 'backup';
const CLIENT = 'jump';
const HOSTS = [REPO, CLIENT] as const;
const PASSPHRASE = 'throwawayBorgPassphrase0123456789';

const work = mkdtempSync(join(tmpdir(), 'backup-roots-'));
const root = (host: string): string => join(work, 'roots', host);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let lab: Lab;
let ns: string;
let model: Model;
let first: { repo: RunResult; client: RunResult };

/** The fixture with a store: a throwaway deploy key in org.yaml, the client's borg key's public half in it. */
function storeFixture(): string {
  const inventory = join(work, 'org');
  cpSync(FIXTURE, inventory, { recursive: true });
  mkdirSync(join(work, 'keys'));
  const deploy = throwawayKey(join(work, 'keys'), 'deploy');
  appendFileSync(
    join(inventory, 'org.yaml'),
    `\nsecrets:\n  deploy_key: ${readFileSync(`${deploy}.pub`, 'utf8').trim()}\n`,
  );
  const clientKey = throwawayKey(join(work, 'keys'), 'borg', `borgmatic@${CLIENT}`);
  const pub = join(inventory, backupKeyFile(CLIENT));
  mkdirSync(join(pub, '..'), { recursive: true });
  cpSync(`${clientKey}.pub`, pub);
  return clientKey;
}

/** Runs a command of a root inside the test's namespace, where the repository's sshd listens. */
function inNamespace(host: string, script: string): { status: number; output: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'chroot', root(host), 'sh', '-c', script], {
    encoding: 'utf8',
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** The repository root's own sshd on 127.0.0.1:22 of the namespace, stopped with the lab. */
async function startRepositorySshd(): Promise<void> {
  const log = join(work, 'sshd.log');
  const argv = ['netns', 'exec', ns, 'chroot', root(REPO), '/usr/sbin/sshd', '-D', '-e'];
  const child = spawn('ip', [...argv, '-o', 'ListenAddress=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  child.stderr.on('data', (c: Buffer) => {
    text += c.toString();
    writeFileSync(log, text);
  });
  cleanups.push(() => child.kill('SIGKILL'));
  await waitFor('the repository sshd to listen', () => {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}):\n${text}`);
    return text.includes('Server listening on');
  });
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const clientKey = storeFixture();
  model = deriveModel(validInventory(join(work, 'org')));
  const byVm = new Map<string, VmModel>(
    HOSTS.map((h) => [h, convergeModel(model, vmNamed(model.inventory, h))]),
  );
  const packages = ['python3', 'systemd', ...[...byVm.values()].flatMap((m) => m.packages)];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of HOSTS) cleanups.push(hostRoot(built.dir, root(host)));
  writeChrootPlaybooks(model, [...byVm.values()], root, playbooks);
  // As converge hands them over: throwaway values, and a real key pair and passphrase for the client's borg.
  const values = new Map(secretNeeds(model).map((n) => [secretKey(n), `throwaway ${secretKey(n)}`]));
  values.set(`vm/${CLIENT}/borg-ssh-key`, readFileSync(clientKey, 'utf8'));
  values.set(`vm/${CLIENT}/borg-passphrase`, PASSPHRASE);
  writeFileSync(secretsFile, secretVarsFile(values), { mode: 0o600 });
  // The repository's name leads to the namespace's loopback, where its sshd listens.
  appendFileSync(join(root(CLIENT), 'etc/hosts'), `127.0.0.1 ${REPO}.fixture.example.org\n`);
  lab = new Lab();
  cleanups.push(() => lab.close());
  ns = lab.namespace('borg');
  const repo = await convergeRoots(playbooks, [REPO], ['-e', `@${secretsFile}`]);
  await startRepositorySshd();
  const client = await convergeRoots(
    playbooks,
    [CLIENT],
    ['-e', `@${secretsFile}`],
    ['ip', 'netns', 'exec', ns],
  );
  first = { repo, client };
  console.info(`first run: repository ${repo.seconds.toFixed(1)} s, client ${client.seconds.toFixed(1)} s`);
}, 1_200_000);

afterAll(() => {
  runCleanups(cleanups, work);
});

describe.skipIf(UNAVAILABLE)('borg backups between real Debian roots', () => {
  it('converges the repository and the client without a failure', () => {
    for (const run of [first.repo, first.client]) {
      expect(failedHosts(run), run.output.slice(-4000)).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('lets the client in only to an append-only borg serve in its own repository', () => {
    const keys = readFileSync(join(root(REPO), 'srv/borg/.ssh/authorized_keys'), 'utf8');
    expect(keys).toMatch(
      /^command="borg serve --append-only --restrict-to-path \/srv\/borg\/jump",restrict ssh-ed25519 \S+ borgmatic@jump$/m,
    );
    expect(inRoot(root(REPO), ['stat', '-c', '%U %a', '/srv/borg/.ssh/authorized_keys']).output.trim()).toBe(
      'borg 600',
    );
  });

  it("made the client's repository at converge, encrypted with the store's passphrase", () => {
    expect(first.client.changed.get(CLIENT)).toContain('Make the borg repository once');
    const config = readFileSync(join(root(REPO), 'srv/borg/jump/config'), 'utf8');
    expect(config).toMatch(/^key = \S/m);
  });

  it('accepts its borgmatic configuration (borgmatic config validate)', () => {
    const validate = inRoot(root(CLIENT), [
      'sh',
      '-c',
      'if command -v validate-borgmatic-config >/dev/null; then validate-borgmatic-config -c /etc/borgmatic/config.yaml; else borgmatic config validate; fi',
    ]);
    expect(validate.status, validate.output).toBe(0);
  });

  it('backs up over SSH, and borg list on the repository shows the archive', () => {
    const backup = inNamespace(CLIENT, 'borgmatic --verbosity 1 create && borgmatic list');
    expect(backup.status, backup.output).toBe(0);
    expect(readFileSync(join(root(CLIENT), 'var/lib/borgmatic-status/last-success'), 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    const list = inRoot(root(REPO), [
      'runuser',
      '-u',
      'borg',
      '--',
      'env',
      `BORG_PASSPHRASE=${PASSPHRASE}`,
      'borg',
      'list',
      '--short',
      '/srv/borg/jump',
    ]);
    expect(list.status, list.output).toBe(0);
    expect(list.output.trim().split('\n')).toHaveLength(1);
    expect(list.output).toMatch(/-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/m);
  });

  it("refuses the client's key outside its own repository", () => {
    const key = `/etc/infra-secrets/vm/${CLIENT}/borg-ssh-key`;
    const other = inNamespace(
      CLIENT,
      `BORG_RSH='ssh -i ${key} -o StrictHostKeyChecking=accept-new' borg init --encryption none ssh://borg@${REPO}.fixture.example.org/./other`,
    );
    expect(other.status).not.toBe(0);
    expect(other.output).toMatch(/not allowed|restrict/i);
    expect(inRoot(root(REPO), ['test', '-e', '/srv/borg/other']).status).not.toBe(0);
  });

  it('changes nothing on a second run', async () => {
    const repo = await convergeRoots(playbooks, [REPO], ['-e', `@${secretsFile}`]);
    const client = await convergeRoots(
      playbooks,
      [CLIENT],
      ['-e', `@${secretsFile}`],
      ['ip', 'netns', 'exec', ns],
    );
    console.info(
      `second run: repository ${repo.seconds.toFixed(1)} s, client ${client.seconds.toFixed(1)} s`,
    );
    for (const run of [repo, client]) {
      expect(failedHosts(run), run.output.slice(-4000)).toBe('');
      expect(Object.fromEntries(run.changed)).toEqual({});
    }
  }, 900_000);
});
