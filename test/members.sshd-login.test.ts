// A real login: a real sshd on 127.0.0.1 with the account, keys and sshd drop-in rendered into a VM's cloud-config
// accepts alice's key; after `offboard` and re-rendering it refuses it. Runs as root only; the account is made
// as cloud-init would make it on the VM, but in the lab's copy of the account files, and sshd runs in a network
// namespace of its own: nothing on the machine changes, and two runs side by side do not meet.
import { deriveModel } from '../model/derive.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { Lab, labUnavailable } from './helpers/netns.ts';

const USER = 'alice';
const VM = 'git';
const why = labUnavailable();
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

describe.skipIf(why !== undefined)('a real sshd login with the rendered account', () => {
  let lab: Lab;
  let ns: string;
  let keysDir: string;
  let inventoryDir: string;
  let accounts: string;
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
    const argv = lab.command(ns, {}, [
      'ssh',
      ...['-i', key, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
      ...['-o', 'StrictHostKeyChecking=no', '-o', `UserKnownHostsFile=${join(work, 'known_hosts')}`],
      `${USER}@127.0.0.1`,
      'id -un',
    ]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  /** Creates the account the way cloud-init does from the rendered entry (groups, shell, locked password), in
   * the lab's copy of the account files: the machine's own never change. */
  function createAccount(rendered: CloudUser): void {
    const existing = readFileSync(join(accounts, 'etc/group'), 'utf8');
    for (const group of rendered.groups ?? [])
      if (!new RegExp(`^${group}:`, 'm').test(existing))
        execFileSync('groupadd', ['--prefix', accounts, group]);
    execFileSync('useradd', [
      ...['--prefix', accounts, '-M', '-s', rendered.shell ?? '/bin/sh'],
      ...['-G', (rendered.groups ?? []).join(','), USER],
    ]);
    if (rendered.lock_passwd) execFileSync('usermod', ['--prefix', accounts, '-L', USER]);
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

    // sshd refuses key files under a world-writable directory (StrictModes), such as /tmp: the lab is in /run.
    lab = new Lab();
    ns = lab.namespace('vm');
    keysDir = join(lab.dir, 'keys');
    mkdirSync(keysDir, { mode: 0o755 });
    accounts = lab.accounts('accounts');
    createAccount(renderKeys(added.after)!);

    const dropIn = cloudConfig(added.after).write_files.find(
      (f) => f.path === '/etc/ssh/sshd_config.d/10-baseline.conf',
    )!;
    writeFileSync(join(lab.dir, '10-baseline.conf'), dropIn.content);
    // Debian's sshd defaults (UsePAM yes), the VM's rendered drop-in, and this test's address, keys and files;
    // the account exists only inside the daemon's mount namespace.
    await lab.sshd(
      ns,
      'vm',
      [
        `Include ${join(lab.dir, '10-baseline.conf')}`,
        'ListenAddress 127.0.0.1:22',
        `HostKey ${join(work, 'host')}`,
        `AuthorizedKeysFile ${keysDir}/%u`,
        'UsePAM yes',
      ],
      Object.fromEntries(['passwd', 'group', 'shadow'].map((f) => [`/etc/${f}`, join(accounts, 'etc', f)])),
    );
  }, 60_000);

  afterAll(() => {
    lab?.close();
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
    expect(readFileSync(join(accounts, 'etc/passwd'), 'utf8')).toMatch(new RegExp(`^${USER}:`, 'm'));
    expect(
      loadInventory(inventoryDir, { today: FIXTURE_TODAY }).inventory?.members.map((m) => m.user),
    ).toEqual(['ada', 'bob', 'cy']);
  });
});
