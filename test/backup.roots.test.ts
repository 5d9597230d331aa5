// Borg backups end to end between two real bookworm roots booted with systemd: the repository root and the
// client root, each in a network namespace of the test's own with the address the model gives it, joined by a
// veth cable. Converged through the containers: the repository's sshd (started by its systemd, behind its own
// nftables) lets the client in with its append-only key from the store, the client's converge makes its
// repository once, the borgmatic timer is active, its service backs up over SSH the way the timer runs it,
// and `borg list` on the repository shows the archive; a second converge of both changes nothing. Skipped
// with a printed reason where the tools or root are missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupKeyFile } from '../inventory/backup-keys.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { vmAddresses } from '../services/instances.ts';
import { type BootedRoot, bootUnavailable } from './helpers/booted-root.ts';
import { bootHosts, storeFixture, throwawaySecrets } from './helpers/booted-fixture.ts';
import { convergeRoots, failedHosts, type RunResult, runCleanups } from './helpers/converge-roots.ts';
import { rootUnavailable } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { Lab } from './helpers/netns.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  bootUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v ip']).status === 0 ? undefined : 'ip is missing (iproute2)');
if (UNAVAILABLE) console.warn(`skipping the backup real-root tests: ${UNAVAILABLE}`);

/** The fixture's borg repository VM and a client of it in the same site. */
const REPO = 'backup';
const CLIENT = 'jump';
const HOSTS = [REPO, CLIENT] as const;
const PASSPHRASE = 'throwawayBorgPassphrase0123456789';
const REPO_NAME = `${REPO}.fixture.example.org`;

const work = mkdtempSync(join(tmpdir(), 'backup-roots-'));
const root = (host: string): string => join(work, 'roots', host);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let model: Model;
let booted: ReadonlyMap<string, BootedRoot>;
let first: { repo: RunResult; client: RunResult };

const inside = (host: string): BootedRoot => booted.get(host)!;
const converge = (host: string): Promise<RunResult> =>
  convergeRoots(playbooks, [host], ['-e', `@${secretsFile}`]);

/** The fixture with a store, and the client's borg key: its public half in the inventory; returns the private. */
function backupFixture(): string {
  const inventory = join(work, 'org');
  storeFixture(inventory, join(work, 'keys'));
  const clientKey = throwawayKey(join(work, 'keys'), 'borg', `borgmatic@${CLIENT}`);
  const pub = join(inventory, backupKeyFile(CLIENT));
  mkdirSync(join(pub, '..'), { recursive: true });
  cpSync(`${clientKey}.pub`, pub);
  return clientKey;
}

/** The first IPv6 address the model gives a VM: the one its firewall rules and the other VMs know. */
function modelAddress(host: string): string {
  return vmAddresses(model.services, vmNamed(model.inventory, host)).ipv6[0]!;
}

/** A namespace per host, joined by a veth cable carrying each host's model address (no DAD wait). */
function network(lab: Lab): Map<string, string> {
  const ns = new Map(HOSTS.map((h) => [h, lab.namespace(h)]));
  const [a, b] = HOSTS.map((h) => `v${process.pid.toString(36)}${h.slice(0, 4)}`);
  execFileSync('ip', ['link', 'add', a!, 'netns', ns.get(REPO)!, 'type', 'veth', 'peer', 'name', b!]);
  execFileSync('ip', ['link', 'set', b!, 'netns', ns.get(CLIENT)!]);
  for (const [host, dev] of [
    [REPO, a!],
    [CLIENT, b!],
  ] as const) {
    const n = ns.get(host)!;
    execFileSync('ip', ['-n', n, 'addr', 'add', `${modelAddress(host)}/64`, 'dev', dev, 'nodad']);
    execFileSync('ip', ['-n', n, 'link', 'set', dev, 'up']);
  }
  return ns;
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const clientKey = backupFixture();
  model = deriveModel(validInventory(join(work, 'org')));
  const lab = new Lab();
  cleanups.push(() => lab.close());
  const ns = network(lab);
  const hosts = await bootHosts({
    model,
    hosts: HOSTS,
    work,
    cleanups,
    netnsOf: (h) => ns.get(h),
    // The repository's name leads to its address on the cable (there is no DNS server in the test).
    prepare: (h, dir) => {
      if (h === CLIENT) appendFileSync(join(dir, 'etc/hosts'), `${modelAddress(REPO)} ${REPO_NAME}\n`);
    },
  });
  booted = hosts.booted;
  // As converge hands them over: throwaway values, and a real key pair and passphrase for the client's borg.
  throwawaySecrets(
    model,
    secretsFile,
    new Map([
      [`vm/${CLIENT}/borg-ssh-key`, readFileSync(clientKey, 'utf8')],
      [`vm/${CLIENT}/borg-passphrase`, PASSPHRASE],
    ]),
  );
  // The repository first: the client's converge makes its repository over SSH there.
  const repo = await converge(REPO);
  const client = await converge(CLIENT);
  first = { repo, client };
  console.info(`first run: repository ${repo.seconds.toFixed(1)} s, client ${client.seconds.toFixed(1)} s`);
}, 1_200_000);

// Powering the containers off and removing their roots takes minutes on a loaded machine.
afterAll(() => {
  runCleanups(cleanups, work);
}, 600_000);

describe.skipIf(UNAVAILABLE)('borg backups between real Debian roots booted with systemd', () => {
  it('converges the repository and the client without a failure', () => {
    for (const run of [first.repo, first.client]) {
      expect(failedHosts(run), run.output.slice(-4000)).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it("runs the repository's sshd and the client's borgmatic timer under systemd, none failed", () => {
    expect(inside(REPO).waitActive('ssh.service')).toBe('active');
    expect(inside(REPO).run(['systemctl', 'is-enabled', 'ssh.service']).output.trim()).toBe('enabled');
    expect(inside(CLIENT).waitActive('borgmatic.timer')).toBe('active');
    expect(inside(CLIENT).run(['systemctl', 'is-enabled', 'borgmatic.timer']).output.trim()).toBe('enabled');
    // The playbook's schedule, read by the client's systemd.
    const timer = inside(CLIENT).run(['systemctl', 'show', '-p', 'TimersCalendar', 'borgmatic.timer']);
    expect(timer.output).toContain('OnCalendar=*-*-* 01:00:00');
    for (const host of HOSTS) {
      const failed = inside(host).run(['systemctl', '--failed', '--no-legend', '--plain']);
      expect(failed.output, host).not.toMatch(/^(ssh|nftables|borgmatic)\S*\s/m);
    }
  });

  it('lets the client in only to an append-only borg serve in its own repository', () => {
    const keys = readFileSync(join(root(REPO), 'srv/borg/.ssh/authorized_keys'), 'utf8');
    expect(keys).toMatch(
      /^command="borg serve --append-only --restrict-to-path \/srv\/borg\/jump",restrict ssh-ed25519 \S+ borgmatic@jump$/m,
    );
    const stat = inside(REPO).run(['stat', '-c', '%U %a', '/srv/borg/.ssh/authorized_keys']);
    expect(stat.output.trim()).toBe('borg 600');
  });

  it("made the client's repository at converge, encrypted with the store's passphrase", () => {
    expect(first.client.changed.get(CLIENT)).toContain('Make the borg repository once');
    const config = readFileSync(join(root(REPO), 'srv/borg/jump/config'), 'utf8');
    expect(config).toMatch(/^key = \S/m);
  });

  it('accepts its borgmatic configuration (borgmatic config validate)', () => {
    const validate = inside(CLIENT).run([
      'sh',
      '-c',
      'if command -v validate-borgmatic-config >/dev/null; then validate-borgmatic-config -c /etc/borgmatic/config.yaml; else borgmatic config validate; fi',
    ]);
    expect(validate.status, validate.output).toBe(0);
  });

  it('backs up over SSH as the timer runs it, and borg list on the repository shows the archive', () => {
    // What the timer starts: the package's unit (its hardening, its pause after boot); start waits for it.
    const started = performance.now();
    const run = inside(CLIENT).run(['systemctl', 'start', 'borgmatic.service'], 600_000);
    console.info(`borgmatic.service ran ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const journal = inside(CLIENT).run(['journalctl', '-u', 'borgmatic.service', '--no-pager', '-n', '40']);
    expect(run.status, `${run.output}\n${journal.output}`).toBe(0);
    const result = inside(CLIENT).run(['systemctl', 'show', '-p', 'Result', 'borgmatic.service']);
    expect(result.output.trim()).toBe('Result=success');
    expect(readFileSync(join(root(CLIENT), 'var/lib/borgmatic-status/last-success'), 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    const list = inside(REPO).run([
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
  }, 900_000);

  it("refuses the client's key outside its own repository", () => {
    const key = `/etc/infra-secrets/vm/${CLIENT}/borg-ssh-key`;
    const other = inside(CLIENT).run([
      'env',
      `BORG_RSH=ssh -i ${key} -o StrictHostKeyChecking=accept-new`,
      'borg',
      'init',
      '--encryption',
      'none',
      `ssh://borg@${REPO_NAME}/./other`,
    ]);
    expect(other.status).not.toBe(0);
    expect(other.output).toMatch(/not allowed|restrict/i);
    expect(inside(REPO).run(['test', '-e', '/srv/borg/other']).status).not.toBe(0);
  });

  it('changes nothing on a second run', async () => {
    const repo = await converge(REPO);
    const client = await converge(CLIENT);
    console.info(
      `second run: repository ${repo.seconds.toFixed(1)} s, client ${client.seconds.toFixed(1)} s`,
    );
    for (const run of [repo, client]) {
      expect(failedHosts(run), run.output.slice(-4000)).toBe('');
      expect(Object.fromEntries(run.changed)).toEqual({});
    }
  }, 900_000);
});
