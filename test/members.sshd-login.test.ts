// A real login: a real sshd on 127.0.0.1 with the account, keys and sshd drop-in rendered into a VM's cloud-config
// accepts alice's key; after `offboard` and re-rendering it refuses it. Runs as root only (it creates the account
// on this machine, as cloud-init would on the VM, and removes it afterwards).
import { deriveModel } from '../model/derive.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { type Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import { addMember, removeMember } from '../members/edit.ts';
import { applyMembersEdit } from '../members/membership.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';

const USER = 'alice';
const VM = 'git';
const root = process.getuid?.() === 0;
const sshd = '/usr/sbin/sshd';
const why = !root
  ? 'not root: the test must create the login account on this machine'
  : !existsSync(sshd)
    ? 'openssh-server is not installed'
    : spawnSync('getent', ['passwd', USER]).status === 0
      ? `a user "${USER}" already exists on this machine`
      : undefined;
if (why) process.stdout.write(`members.sshd-login: skipped: ${why}\n`);

interface CloudUser {
  name: string;
  groups?: string[];
  shell?: string;
  lock_passwd?: boolean;
  ssh_authorized_keys?: string[];
}
interface CloudConfig {
  users: CloudUser[];
  write_files: { path: string; content: string }[];
}

function cloudConfig(inventory: Inventory): CloudConfig {
  return parse(
    renderCloudConfig(
      deriveModel(inventory),
      inventory.vms.find((v) => v.name === VM)!,
    ),
  ) as CloudConfig;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe.skipIf(why !== undefined)('a real sshd login with the rendered account', () => {
  let dir: string;
  let keysDir: string;
  let inventoryDir: string;
  let port: number;
  let createdGroup = false;
  const work = mkdtempSync(join(tmpdir(), 'sshd-login-'));
  const key = join(work, 'alice');

  /** Writes the authorized keys exactly as the VM's cloud-config renders them for USER (none when absent). */
  function renderKeys(inventory: Inventory): CloudUser | undefined {
    const user = cloudConfig(inventory).users.find((u) => u.name === USER);
    writeFileSync(join(keysDir, USER), (user?.ssh_authorized_keys ?? []).map((k) => `${k}\n`).join(''));
    chmodSync(join(keysDir, USER), 0o644);
    return user;
  }

  function login(): { status: number; out: string } {
    const r = spawnSync(
      'ssh',
      [
        ...['-i', key, '-p', String(port), '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
        ...['-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(work, 'known_hosts')}`],
        `${USER}@127.0.0.1`,
        'id -un',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  beforeAll(async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@laptop', '-f', key]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'host')]);
    inventoryDir = fixtureOrg();
    const added = applyMembersEdit(
      inventoryDir,
      (t) =>
        addMember(t, {
          user: USER,
          name: 'Alice Liddell',
          email: 'alice@test.example.org',
          keys: [readFileSync(`${key}.pub`, 'utf8').trim()],
          roles: ['developer'],
          since: FIXTURE_TODAY,
          sponsor: 'bob',
        }),
      FIXTURE_TODAY,
    );
    if (!added.after) throw new Error(added.errors.map((e) => e.message).join('\n'));

    // sshd refuses key files under a world-writable directory (StrictModes), such as /tmp: use /run.
    dir = mkdtempSync('/run/sshd-login-test-');
    keysDir = join(dir, 'keys');
    mkdirSync(keysDir);
    chmodSync(dir, 0o755);
    chmodSync(keysDir, 0o755);
    const rendered = renderKeys(added.after);
    // Create the account the way cloud-init does from the rendered user entry: its groups, shell, locked password.
    for (const group of rendered!.groups ?? []) {
      if (spawnSync('getent', ['group', group]).status !== 0) {
        execFileSync('groupadd', [group]);
        if (group === 'members') createdGroup = true;
      }
    }
    execFileSync('useradd', [
      '-M',
      '-s',
      rendered!.shell ?? '/bin/sh',
      '-G',
      (rendered!.groups ?? []).join(','),
      USER,
    ]);
    if (rendered!.lock_passwd) execFileSync('passwd', ['-l', USER], { stdio: 'ignore' });

    const dropIn = cloudConfig(added.after).write_files.find(
      (f) => f.path === '/etc/ssh/sshd_config.d/10-baseline.conf',
    )!;
    writeFileSync(join(dir, '10-baseline.conf'), dropIn.content);
    port = await freePort();
    mkdirSync('/run/sshd', { recursive: true });
    // Debian's sshd defaults (UsePAM yes), the VM's rendered drop-in, and this test's address, keys and files.
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Include ${join(dir, '10-baseline.conf')}`,
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${join(work, 'host')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${keysDir}/%u`,
        'UsePAM yes',
        '',
      ].join('\n'),
    );
    execFileSync(sshd, ['-t', '-f', join(dir, 'sshd_config')]);
    execFileSync(sshd, ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')]);
    for (let i = 0; i < 50 && !existsSync(join(dir, 'sshd.pid')); i++)
      await new Promise((r) => setTimeout(r, 100));
  }, 60_000);

  afterAll(() => {
    if (dir && existsSync(join(dir, 'sshd.pid'))) {
      try {
        process.kill(Number(readFileSync(join(dir, 'sshd.pid'), 'utf8').trim()));
      } catch {
        // Already gone.
      }
    }
    spawnSync('userdel', [USER]);
    if (createdGroup) spawnSync('groupdel', ['members']);
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("the rendered account accepts alice's key (locked password, key only, AllowGroups of the drop-in)", () => {
    const r = login();
    expect(r.out).toContain(USER);
    expect(r.status).toBe(0);
  });

  it('after offboarding and re-rendering, the same key is refused', () => {
    const removed = applyMembersEdit(inventoryDir, (t) => removeMember(t, USER), FIXTURE_TODAY);
    expect(removed.after).toBeDefined();
    expect(renderKeys(removed.after!)).toBeUndefined();
    const r = login();
    expect(r.status).toBe(255);
    expect(r.out).toContain('Permission denied (publickey)');
    // The account itself stays (its files are kept); only the keys went.
    expect(spawnSync('getent', ['passwd', USER]).status).toBe(0);
    expect(
      loadInventory(inventoryDir, { today: FIXTURE_TODAY }).inventory?.members.map((m) => m.user),
    ).toEqual(['ada', 'bob', 'cy']);
  });
});
