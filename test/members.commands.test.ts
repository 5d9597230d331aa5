// onboard / offboard / access as a person runs them: real child processes on a scratch copy of the fixture org.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from './helpers/scratch.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

function run(command: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', `cli/${command}.ts`, ...args, '--today', FIXTURE_TODAY],
    {
      encoding: 'utf8',
    },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('onboard, offboard, access', () => {
  let dir: string;
  let original: string;
  let key: string;
  beforeAll(() => {
    dir = fixtureOrg();
    original = readFileSync(join(dir, 'members.yaml'), 'utf8');
    const keys = scratchDir('onboard-key-');
    key = `${throwawayKey(keys, 'dora')}.pub`;
  });

  it('onboard adds the entry at the end, keeps the rest, and prints what the member gains', () => {
    const r = run('onboard', [
      ...['--inventory', dir, '--user', 'dora', '--name', 'Dora Maar', '--email', 'dora@test.example.org'],
      ...['--key', key, '--role', 'developer', '--sponsor', 'bob', '--matrix', '@dora:test.example.org'],
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'dora gains: SSH without sudo on 2 VMs (git, runner), PVEVMUser on /vms/103 (cluster ceph), forge team developers\n',
    );
    const text = readFileSync(join(dir, 'members.yaml'), 'utf8');
    expect(text.startsWith(original)).toBe(true);
    expect(text.slice(original.length)).toBe(
      [
        '  - user: dora',
        '    name: Dora Maar',
        '    email: dora@test.example.org',
        '    keys:',
        `      - ${readFileSync(key, 'utf8').trim()}`,
        '    roles: [developer]',
        `    since: ${FIXTURE_TODAY}`,
        '    sponsor: bob',
        '    matrix: "@dora:test.example.org"',
        '',
      ].join('\n'),
    );
  });

  it('access answers per user and per VM', () => {
    const user = run('access', ['--inventory', dir, '--user', 'dora']);
    expect(user.stdout).toContain('  SSH without sudo (2): git, runner\n');
    // The fixture names no forge, so no forge login is shown; the realm is the default, pve.
    expect(user.stdout).toContain('  Proxmox user dora@pve\n  Proxmox PVEVMUser on /vms/103: ceph\n');
    expect(user.stdout).toContain('  forge teams: developers\n');
    const vm = run('access', ['--inventory', dir, '--vm', 'git']);
    expect(vm.stdout).toContain('  SSH with sudo: ada, bob\n  SSH without sudo: cy, dora\n');
    expect(vm.stdout).toContain('  Proxmox PVEVMUser on /vms/103: ada, bob, cy, dora\n');
  });

  it('offboard removes it again: members.yaml is byte-identical to before the onboarding', () => {
    const r = run('offboard', ['--inventory', dir, '--user', 'dora']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'dora loses: SSH without sudo on 2 VMs (git, runner), PVEVMUser on /vms/103 (cluster ceph), forge team developers\n',
    );
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('a bad key file writes nothing and says why in one line', () => {
    const bad = join(scratchDir('onboard-bad-'), 'dsa.pub');
    writeFileSync(bad, 'ssh-dss AAAAB3NzaC1kc3MAAACBAP dora@old\n');
    const r = run('onboard', [
      ...['--inventory', dir, '--user', 'dora', '--name', 'Dora Maar', '--email', 'dora@test.example.org'],
      ...['--key', bad, '--role', 'admin', '--sponsor', 'cy'],
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `onboard: --key ${bad} is not a public key file: its line is a DSA (ssh-dss) key, which OpenSSH no longer accepts; expected an Ed25519 key; nothing written\n`,
    );
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('--key reads only a public key file and never prints what else it was given', () => {
    const scratch = scratchDir('onboard-key-');
    const secret = throwawayKey(scratch, 'leak');
    const passwd = join(scratch, 'passwd');
    writeFileSync(
      passwd,
      'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
    );
    const onboard = (keyFile: string) =>
      run('onboard', [
        ...['--inventory', dir, '--user', 'dora', '--name', 'Dora Maar', '--email', 'dora@test.example.org'],
        ...['--key', keyFile, '--role', 'developer', '--sponsor', 'bob'],
      ]);
    const fromPrivate = onboard(secret);
    expect(fromPrivate.status).toBe(1);
    expect(fromPrivate.stdout).toBe('');
    expect(fromPrivate.stderr).toBe(
      `onboard: --key ${secret} is a private key (not shown); expected the ".pub" file next to it; nothing written\n`,
    );
    const fromPasswd = onboard(passwd);
    expect(fromPasswd.stdout).toBe('');
    expect(fromPasswd.stderr).toBe(
      `onboard: --key ${passwd} has 2 lines that are not comments; expected one public key line; nothing written\n`,
    );
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('an argument with a control character is refused without printing it', () => {
    const r = run('onboard', [
      ...[
        '--inventory',
        dir,
        '--user',
        'dora\u001b]0;pwned\u0007',
        '--name',
        'Dora',
        '--email',
        'd@test.example.org',
      ],
      ...['--key', key, '--role', 'developer', '--sponsor', 'bob'],
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'argument 4 (after --user) has a control character or line break (not shown); expected plain text\n',
    );
    expect(r.stdout).toBe('');
  });

  it('runs the same checks as npm run check before writing: a system account is refused', () => {
    const r = run('onboard', [
      ...['--inventory', dir, '--user', 'postgres', '--name', 'Pos Tgres', '--email', 'p@test.example.org'],
      ...['--key', key, '--role', 'developer', '--sponsor', 'bob'],
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('members[3].user  "postgres" is the account the postgresql package creates');
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('an onboarding the sponsor cannot vouch for writes nothing', () => {
    const r = run('onboard', [
      ...['--inventory', dir, '--user', 'dora', '--name', 'Dora Maar', '--email', 'dora@test.example.org'],
      ...['--key', key, '--role', 'admin', '--sponsor', 'cy'],
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /members\.yaml:\d+:\d+ {2}members\[3\]\.roles\[0\] {2}role "admin" is granted with sponsor "cy", who does not hold it/,
    );
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('offboarding the last admin, or a sponsor still vouching for someone, is refused', () => {
    const r = run('offboard', ['--inventory', dir, '--user', 'bob']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('members[0].sponsor  sponsor "bob" is not a member');
    const oneAdmin = fixtureOrg({
      members: (t) => t.replace('roles: [admin, developer]', 'roles: [developer]'),
    });
    const last = run('offboard', ['--inventory', oneAdmin, '--user', 'bob']);
    expect(last.status).toBe(1);
    expect(last.stdout).toContain('no member holds an admin role (admin): the last admin cannot be removed');
    expect(readFileSync(join(dir, 'members.yaml'), 'utf8')).toBe(original);
  });

  it('offboarding someone who is not a member says so', () => {
    const r = run('offboard', ['--inventory', dir, '--user', 'zed']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('offboard: "zed" is not in members.yaml; nothing written\n');
  });
});
