// The generated playbooks run for real against a Debian bookworm root (through Mitogen, as converge runs them): files,
// modes, users, `sshd -t`, `nft -c`, `nginx -t`; a second run changes nothing; an inventory change (apt-cache
// added, a port and a web service removed) changes exactly that. Skipped with a printed reason where the
// tools or root are missing (.ci/run installs them and CI runs as root).
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import { deriveModel } from '../model/derive.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import {
  debianRoot,
  hostRoot,
  inRoot,
  rootUnavailable,
  runCleanups,
  startPostgresInRoot,
} from './helpers/debian-root.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the Ansible real-root tests: ${UNAVAILABLE}`);

/** A proxy, a database server and the XMPP host: the representative VMs of the fixture organisation. */
const HOSTS = ['proxy1', 'db', 'chat'] as const;

const work = mkdtempSync(join(tmpdir(), 'ansible-root-'));
const inventoryDir = join(work, 'inventory');

function load(): Inventory {
  const result = loadInventory(inventoryDir);
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

function models(inventory: Inventory): Map<string, VmModel> {
  const model = deriveModel(inventory);
  return new Map(
    HOSTS.map((name) => [
      name,
      convergeModel(
        model,
        inventory.vms.find((v) => v.name === name)!,
      ),
    ]),
  );
}

/** Writes the playbooks and an inventory that reaches each host's root. */
function writePlaybooks(inventory: Inventory, dir: string): void {
  writeChrootPlaybooks(deriveModel(inventory), [...models(inventory).values()], root, dir);
}

const converge = (dir: string, hosts: readonly string[]): Promise<RunResult> => convergeRoots(dir, hosts);
const failures = failedHosts;

const root = (host: string): string => join(work, 'roots', host);
let first: RunResult;
let byVm: Map<string, VmModel>;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  if (UNAVAILABLE) return;
  cpSync('test/fixtures/services/good', inventoryDir, { recursive: true });
  // The root is bookworm: the database VM follows it (its PostgreSQL directory is per release).
  const vms = join(inventoryDir, 'vms.yaml');
  writeFileSync(
    vms,
    readFileSync(vms, 'utf8').replace(/(id: 104\n(?:.*\n){2}) {4}os: debian-13/, '$1    os: debian-12'),
  );
  const inventory = load();
  byVm = models(inventory);
  // Everything the playbooks install is in the cached root, except what the third run adds (apt-cache).
  const packages = ['python3', 'systemd', ...[...byVm.values()].flatMap((m) => m.packages)];
  const started = performance.now();
  // apt-cacher-ng's files wait in apt's cache: the third run installs it without the network.
  const built = debianRoot(packages, ['apt-cacher-ng']);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of HOSTS) cleanups.push(hostRoot(built.dir, root(host)));
  // On a VM the package starts the server; in the chroot the test does, so the roles can be made.
  cleanups.unshift(startPostgresInRoot(root('db'), 15));
  console.info(`host roots ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  writePlaybooks(inventory, join(work, 'ansible'));
  first = await converge(join(work, 'ansible'), HOSTS);
  console.info(`first run of ${HOSTS.join(', ')}: ${first.seconds.toFixed(1)} s`);
}, 900_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('generated playbooks on a real Debian root', () => {
  it('converges every sample host without a failure', () => {
    expect(failures(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
  });

  it('writes every file of the model with its content, mode and owner', () => {
    for (const [host, model] of byVm) {
      for (const file of model.files) {
        const path = join(root(host), file.path);
        expect(readFileSync(path, 'utf8'), `${host}:${file.path}`).toBe(file.content);
        const mode = (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
        expect(mode, `${host}:${file.path}`).toBe(file.permissions ?? '0644');
        const owner = inRoot(root(host), ['stat', '-c', '%U:%G', file.path]).output.trim();
        expect(owner, `${host}:${file.path}`).toBe(file.owner ?? 'root:root');
      }
    }
  });

  it('leaves a configuration sshd and nft accept', () => {
    for (const host of HOSTS) {
      const sshd = inRoot(root(host), ['/usr/sbin/sshd', '-t']);
      expect(sshd.status, `${host}: ${sshd.output}`).toBe(0);
      const nft = inRoot(root(host), ['/usr/sbin/nft', '-c', '-f', '/etc/nftables.conf']);
      expect(nft.status, `${host}: ${nft.output}`).toBe(0);
    }
  });

  it('makes the users and groups of the model, with their keys', () => {
    for (const [host, model] of byVm) {
      for (const group of model.groups) expect(inRoot(root(host), ['getent', 'group', group]).status).toBe(0);
      for (const user of model.users) {
        const id = inRoot(root(host), ['id', '-nG', user.name]);
        expect(id.status, `${host}: ${user.name}`).toBe(0);
        for (const g of user.groups ?? []) expect(id.output.split(/\s+/)).toContain(g);
        for (const key of user.ssh_authorized_keys ?? []) {
          const home = user.homedir ?? `/home/${user.name}`;
          expect(readFileSync(join(root(host), home, '.ssh/authorized_keys'), 'utf8')).toContain(key);
        }
      }
    }
  });

  it('gives the proxy virtual hosts that the real nginx accepts', () => {
    const nginx = inRoot(root('proxy1'), ['/usr/sbin/nginx', '-t']);
    expect(nginx.status, nginx.output).toBe(0);
    const vhost = readFileSync(
      join(root('proxy1'), 'etc/nginx/conf.d/site-code.test.example.org.conf'),
      'utf8',
    );
    expect(vhost).toContain('server [2001:db8:1::c]:3000;');
    expect(vhost).toContain('return 301 https://$host$request_uri;');
    expect(vhost).toContain('Strict-Transport-Security');
  });

  it('lets the database clients in through pg_hba.conf', () => {
    const hba = readFileSync(join(root('db'), 'etc/postgresql/15/main/pg_hba.conf'), 'utf8');
    expect(hba).toContain('host    gitea_git    gitea_git 2001:db8:1::c/128      scram-sha-256');
  });

  it('makes the role and database of the service that uses the database VM', () => {
    const owner = inRoot(root('db'), [
      'runuser',
      '-u',
      'postgres',
      '--',
      'psql',
      '-X',
      '-t',
      '-A',
      '-c',
      "SELECT datname || ' ' || pg_get_userbyid(datdba) || ' ' || r.rolcanlogin FROM pg_database, pg_roles r WHERE datname = 'gitea_git' AND r.rolname = 'gitea_git'",
    ]);
    expect(owner.output.trim()).toBe('gitea_git gitea_git true');
    expect(first.changed.get('db')).toContain(
      'PostgreSQL role gitea_git and database gitea_git (gitea on git)',
    );
  });

  it('gives Prosody a configuration its own prosodyctl accepts', () => {
    const check = inRoot(root('chat'), ['prosodyctl', 'check', 'config']);
    expect(check.status, check.output).toBe(0);
    expect(check.output).toContain('/etc/prosody/conf.d/test.example.org.cfg.lua');
  });

  it('enables the services of the model', () => {
    expect(
      existsSync(join(root('db'), 'etc/systemd/system/multi-user.target.wants/postgresql.service')),
    ).toBe(true);
    expect(existsSync(join(root('proxy1'), 'etc/systemd/system/multi-user.target.wants/nginx.service'))).toBe(
      true,
    );
  });

  it('changes nothing on a second run', async () => {
    const second = await converge(join(work, 'ansible'), HOSTS);
    console.info(`second run: ${second.seconds.toFixed(1)} s`);
    expect(Object.fromEntries(second.changed)).toEqual({});
    for (const host of HOSTS) expect(second.stats[host]?.changed).toBe(0);
  }, 900_000);

  it('changes exactly what the inventory changed: apt-cache added, a port and a web service removed', async () => {
    const vms = join(inventoryDir, 'vms.yaml');
    const text = readFileSync(vms, 'utf8')
      .replace(
        '      - { kind: prosody, domain: test.example.org }\n',
        '      - { kind: prosody, domain: test.example.org }\n      - apt-cache\n',
      )
      .replace(/ {4}extra_ports:\n {6}- \{ port: 5280[^\n]*\n/, '')
      .replace(/ {4}services:\n {6}- kind: gitea\n {8}domain: code.test.example.org\n {8}db: db\n/, '');
    writeFileSync(vms, text);
    const changed = load();
    writePlaybooks(changed, join(work, 'ansible'));
    const third = await converge(join(work, 'ansible'), HOSTS);
    console.info(`third run: ${third.seconds.toFixed(1)} s`);
    expect(failures(third), third.output.slice(-4000)).toBe('');
    expect(third.changed.get('chat')).toEqual(['Debian packages', 'File /etc/nftables.conf']);
    // Debian's package enables its unit when it installs, so the playbook's own enable finds it done.
    expect(inRoot(root('chat'), ['systemctl', 'is-enabled', 'apt-cacher-ng']).status).toBe(0);
    expect(third.changed.get('proxy1')).toEqual([
      'Delete the files the inventory no longer produces',
      'Remember the files this run manages',
    ]);
    // git no longer uses the database: its address leaves the firewall and pg_hba.conf.
    expect(third.changed.get('db')).toEqual([
      'File /etc/nftables.conf',
      'File /etc/postgresql/15/main/pg_hba.conf',
    ]);

    const nft = readFileSync(join(root('chat'), 'etc/nftables.conf'), 'utf8');
    expect(nft).toMatch(/tcp dport 3142 ip6? saddr \S+ accept/);
    expect(nft).not.toContain('dport 5280');
    expect(inRoot(root('chat'), ['dpkg-query', '-W', '-f', '${Status}', 'apt-cacher-ng']).output).toBe(
      'install ok installed',
    );
    expect(existsSync(join(root('proxy1'), 'etc/nginx/conf.d/site-code.test.example.org.conf'))).toBe(false);
    expect(inRoot(root('proxy1'), ['/usr/sbin/nginx', '-t']).status).toBe(0);
    expect(inRoot(root('chat'), ['/usr/sbin/nft', '-c', '-f', '/etc/nftables.conf']).status).toBe(0);
  }, 900_000);
});
