// Each member/role rule of `npm run check`: the fixture organisation passes, and one edit breaks exactly that rule,
// reported at the file, line, column and field of the offending value.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { FIXTURE_TODAY, fixtureOrg, replace } from './helpers/members.ts';

function check(
  edits: Parameters<typeof fixtureOrg>[0],
  today = FIXTURE_TODAY,
): { errors: string[]; warnings: string[] } {
  const dir = fixtureOrg(edits);
  const result = loadInventory(dir, { today });
  const show = (f: Parameters<typeof formatFinding>[0]): string => formatFinding(f).replace(`${dir}/`, '');
  return { errors: result.errors.map(show), warnings: result.warnings.map(show) };
}

const MONITORING_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMpp2LT8+u9pryI9Y559in2DVSOImUaHO6Jcj6DlM4NY icinga@fixture';
/** A monitoring section appended to the base organisation's org.yaml. */
const MONITORING = `monitoring:\n  sources: ["2001:db8:1::e/128"]\n  ssh_key: ${MONITORING_KEY}\n`;

describe('member and role rules', () => {
  it('the fixture organisation passes every rule', () => {
    expect(check({})).toEqual({ errors: [], warnings: [] });
  });

  it('an organisation without members.yaml needs no roles.yaml either', () => {
    const result = loadInventory('test/fixtures/inventory/base', { today: FIXTURE_TODAY });
    expect(result.errors).toEqual([]);
    expect(result.inventory?.members).toEqual([]);
  });

  it('members.yaml without roles.yaml is a located error', () => {
    const dir = fixtureOrg();
    rmSync(`${dir}/roles.yaml`);
    const result = loadInventory(dir, { today: FIXTURE_TODAY });
    expect(result.errors.map((f) => f.message)).toEqual([
      'is missing; expected a "roles:" list (members.yaml names roles)',
    ]);
  });

  it('schema: a bad user name, e-mail and date are located errors', () => {
    const { errors } = check({
      members: (t) =>
        t
          .replace('user: cy', 'user: Cy')
          .replace('email: cy@test.example.org', 'email: cy-at-test')
          .replace('since: 2025-06-01', 'since: 2025-13-01'),
    });
    expect(errors).toEqual([
      'members.yaml:21:11  members[2].user  "Cy" is not a safe Unix user name; expected lower-case letters, digits, "-" or "_", starting with a letter, at most 32',
      'members.yaml:23:12  members[2].email  "cy-at-test" is not an e-mail address; expected name@example.org',
      'members.yaml:27:12  members[2].since  "2025-13-01" is not a date; expected YYYY-MM-DD such as 2026-03-01',
    ]);
  });

  it('a DSA or malformed key is refused by the key schema', () => {
    const { errors } = check({
      members: (t) => t.replace(/- ssh-ed25519 (\S+) cy@test/, '- ssh-dss $1 cy@test'),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^members\.yaml:25:9 {2}members\[2\]\.keys\[0\] {2}"ssh-dss .*is a DSA \(ssh-dss\) key, which OpenSSH no longer accepts/,
    );
  });

  it('unknown role, with a did-you-mean', () => {
    expect(check({ members: replace('roles: [developer]', 'roles: [developr]') }).errors).toEqual([
      'members.yaml:26:13  members[2].roles[0]  role "developr" is not in roles.yaml; did you mean "developer"?',
    ]);
  });

  it('an SSH selector that matches nothing', () => {
    expect(
      check({ roles: replace('ssh: { vms: [git, runner] }', 'ssh: { vms: [git, runer], tags: [web] }') })
        .errors,
    ).toEqual([
      'roles.yaml:13:23  roles[1].ssh.vms[1]  there is no VM "runer", so this grant matches nothing; did you mean "runner"?',
      'roles.yaml:13:38  roles[1].ssh.tags[0]  no VM is tagged "web", so this grant matches nothing; expected a value used in vms.yaml',
    ]);
    expect(check({ roles: replace('ssh: { vms: [git, runner] }', 'ssh: {}') }).errors).toEqual([
      'roles.yaml:13:10  roles[1].ssh  selects no VM; expected "all" or at least one of sites, tags, services, vms (or no ssh field)',
    ]);
  });

  it('a Proxmox path that exists on no cluster, or not on the cluster named', () => {
    expect(check({ roles: replace('path: /vms/103 }', 'path: /pool/web }') }).errors).toEqual([
      'roles.yaml:15:34  roles[1].proxmox[0].path  "/pool/web" exists on no cluster, so this grant matches nothing; expected a pool (the first tag of a VM), or a node, storage or VM id of clusters.yaml/vms.yaml',
    ]);
    expect(
      check({ roles: replace('path: /vms/103 }', 'path: /vms/103, clusters: [solo] }') }).errors,
    ).toEqual([
      'roles.yaml:15:55  roles[1].proxmox[0].clusters[0]  "/vms/103" does not exist on cluster "solo"; expected one of ceph',
    ]);
  });

  it("a pool is a VM's first tag only: a grant on a later tag names a pool no cluster creates", () => {
    const tagged = replace('    id: 103\n', '    id: 103\n    tags: [forge, web]\n');
    expect(check({ vms: tagged, roles: replace('path: /vms/103 }', 'path: /pool/forge }') }).errors).toEqual(
      [],
    );
    expect(check({ vms: tagged, roles: replace('path: /vms/103 }', 'path: /pool/web }') }).errors).toEqual([
      'roles.yaml:15:34  roles[1].proxmox[0].path  "/pool/web" exists on no cluster, so this grant matches nothing; expected a pool (the first tag of a VM), or a node, storage or VM id of clusters.yaml/vms.yaml',
    ]);
  });

  it('a key used by two members, whatever its comment says', () => {
    const dir = fixtureOrg();
    const adaKey = /- (ssh-ed25519 \S+) ada@test/.exec(readFileSync(`${dir}/members.yaml`, 'utf8'))![1]!;
    const { errors } = check({
      members: (t) => t.replace(/- ssh-ed25519 \S+ cy@test/, `- ${adaKey} cy-laptop`),
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^members\.yaml:25:9 {2}members\[2\]\.keys\[0\] {2}key SHA256:\S+ is used twice \(it is ada's key, at members\[0\]\.keys\[0\]\); expected one key per person$/,
    );
  });

  it('a forge login used by two members, whatever its case', () => {
    const { errors } = check({
      members: replace('    until: 2036-06-30\n', '    until: 2036-06-30\n    forge_user: Bob\n'),
    });
    expect(errors).toEqual([
      'members.yaml:29:17  members[2].forge_user  forge login "Bob" is also bob\'s; expected each member\'s own login (set forge_user)',
    ]);
  });

  it('a sponsor who is not a member, or the member themselves', () => {
    expect(check({ members: (t) => t.replace(/sponsor: ada\n$/, 'sponsor: adda\n') }).errors).toEqual([
      'members.yaml:29:14  members[2].sponsor  sponsor "adda" is not a member; did you mean "ada"?',
    ]);
    expect(check({ members: (t) => t.replace(/sponsor: ada\n$/, 'sponsor: cy\n') }).errors).toEqual([
      'members.yaml:29:14  members[2].sponsor  "cy" sponsors themselves; expected another member who vouches for them',
    ]);
  });

  it('a sponsor who lacks the role being granted', () => {
    // cy (developer) is granted admin too, sponsored by ada, who holds it: allowed.
    expect(check({ members: replace('roles: [developer]', 'roles: [developer, admin]') }).errors).toEqual([]);
    // bob keeps developer only, and sponsors ada's admin role: refused.
    const bobDeveloper = (t: string): string =>
      t.replace(
        'roles: [admin, developer]\n    since: 2020-01-01\n    sponsor: ada',
        'roles: [developer]\n    since: 2020-01-01\n    sponsor: ada',
      );
    expect(check({ members: bobDeveloper }).errors).toEqual([
      'members.yaml:8:13  members[0].roles[0]  role "admin" is granted with sponsor "bob", who does not hold it (bob holds developer); expected a sponsor with role "admin"',
    ]);
  });

  it('until in the past is an error naming the command; within 30 days a warning', () => {
    expect(check({}, '2036-07-01').errors).toEqual([
      'members.yaml:28:12  members[2].until  membership of "cy" ended on 2036-06-30: the offboarding is due; run `npm run offboard -- --user cy` (or extend until)',
    ]);
    expect(check({}, '2036-06-30')).toEqual({
      errors: [],
      warnings: [
        'members.yaml:28:12  members[2].until  warning: membership of "cy" ends on 2036-06-30, in 0 days; extend until or plan the offboarding',
      ],
    });
    expect(check({}, '2036-05-30').warnings).toEqual([]);
    expect(check({ members: replace('until: 2036-06-30', 'until: 2025-01-01') }).errors).toEqual([
      'members.yaml:28:12  members[2].until  2025-01-01 is before since (2025-06-01); expected the last day of membership after it joined',
    ]);
  });

  it('the last member with an admin role cannot be removed', () => {
    const noAdmins = (t: string): string => t.replaceAll('roles: [admin, developer]', 'roles: [developer]');
    expect(check({ members: noAdmins }).errors).toEqual([
      'members.yaml:2:1  members  no member holds an admin role (admin): the last admin cannot be removed; expected at least one',
    ]);
  });

  it('a member login that is the bootstrap admin or a system account', () => {
    expect(check({ members: replace('user: cy', 'user: bootstrap') }).errors).toContain(
      'members.yaml:21:11  members[2].user  "bootstrap" is the bootstrap admin of org.yaml; expected a personal login',
    );
    expect(check({ members: replace('user: cy', 'user: root') }).errors).toContain(
      'members.yaml:21:11  members[2].user  "root" is a Debian system account (base-passwd); as a member login it would take over that account on every VM; expected a name no system account has',
    );
  });

  it('a name or description that holds a template, a control character or too many characters', () => {
    expect(
      check({ members: replace('name: Cy Twombly', `name: "Cy {{ q('pipe' ~ 'id') }}"`) }).errors,
    ).toEqual([
      `members.yaml:22:11  members[2].name  "Cy {{ q('pipe' ~ 'id') }}" has "{{", "{%" or "{#"; expected plain text (inventory text is never a template)`,
    ]);
    expect(check({ members: replace('name: Cy Twombly', 'name: "Cy \\e[31m"') }).errors).toEqual([
      'members.yaml:22:11  members[2].name  "Cy \\u001b[31m" has a line break or control character; expected one line of text',
    ]);
    expect(check({ members: replace('name: Cy Twombly', `name: ${'y'.repeat(101)}`) }).errors).toEqual([
      `members.yaml:22:11  members[2].name  "${'y'.repeat(80)}"… is longer than 100 characters; expected a short title`,
    ]);
    expect(
      check({
        roles: replace('description: Everything, everywhere.', 'description: "{% if 1 %}x{% endif %}"'),
      }).errors,
    ).toEqual([
      'roles.yaml:4:18  roles[0].description  "{% if 1 %}x{% endif %}" has "{{", "{%" or "{#"; expected plain text (inventory text is never a template)',
    ]);
  });

  it('system-account-taken: a member, the bootstrap admin or the monitoring user named after a system account', () => {
    expect(check({ members: replace('user: cy', 'user: www-data') }).errors).toEqual([
      'members.yaml:21:11  members[2].user  "www-data" is a Debian system account (base-passwd); as a member login it would take over that account on every VM; expected a name no system account has',
    ]);
    expect(check({ members: replace('user: cy', 'user: postgres') }).errors).toEqual([
      'members.yaml:21:11  members[2].user  "postgres" is the account the postgresql package creates; as a member login it would take over that account on every VM; expected a name no system account has',
    ]);
    expect(check({ members: replace('user: cy', 'user: borg') }).errors).toEqual([
      'members.yaml:21:11  members[2].user  "borg" is an account or group the baseline creates; as a member login it would take over that account on every VM; expected a name no system account has',
    ]);
    expect(check({ org: replace('user: bootstrap', 'user: root') }).errors).toEqual([
      'org.yaml:9:9  admin.user  "root" is a Debian system account (base-passwd); as the bootstrap admin it would take over that account on every VM; expected a name no system account has',
    ]);
    expect(check({ org: (t) => `${t}${MONITORING}  user: prosody\n` }).errors).toEqual([
      'org.yaml:15:9  monitoring.user  "prosody" is the account the prosody package creates; as the monitoring user it would take over that account on every VM; expected a name no system account has',
    ]);
  });

  it("key-of-two-identities: a member holding the bootstrap admin's or the monitoring key", () => {
    const admin = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQTSJ7isih8vGp';
    expect(
      check({
        members: replace(
          '- ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb cy@test',
          `- ${admin} cy@test`,
        ),
      }).errors,
    ).toEqual([
      "members.yaml:25:9  members[2].keys[0]  key SHA256:ACOKJuvVXGdgCPCV0sugF3pBA+XNFl4+qqnpr4BTyRo is already the bootstrap admin's key; expected each identity (member, bootstrap admin, monitoring user) to have keys of its own",
    ]);
    const monitoring = `${MONITORING.replace(MONITORING_KEY, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb')}`;
    expect(check({ org: (t) => `${t}${monitoring}` }).errors).toEqual([
      "members.yaml:25:9  members[2].keys[0]  key SHA256:qzqbuEyXdKGQYYSP8ix3s8XnrN+dkH4lrFmW49LAOXA is already the monitoring user's key; expected each identity (member, bootstrap admin, monitoring user) to have keys of its own",
    ]);
  });

  it('a member or role defined twice', () => {
    expect(check({ members: replace('user: cy', 'user: bob') }).errors).toContain(
      'members.yaml:21:11  members[2].user  user "bob" is defined twice (first at members[1]); expected one entry per person',
    );
    expect(check({ roles: replace('name: developer', 'name: admin') }).errors).toContain(
      'roles.yaml:11:11  roles[1].name  role "admin" is defined twice (first at roles[0]); expected unique names',
    );
  });

  it('secret-reader-without-age-key: a secrets grant to a member with only an ECDSA key, unless an age recipient is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecdsa-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-C', 'cy@test', '-f', join(dir, 'k')]);
    const ecdsa = readFileSync(join(dir, 'k.pub'), 'utf8').trim();
    const recipient = execFileSync('age-keygen', { encoding: 'utf8' }).match(
      /^# public key: (age1\S+)$/m,
    )![1]!;
    rmSync(dir, { recursive: true, force: true });
    const roles = replace(
      'forge_teams: [developers]',
      'forge_teams: [developers]\n    secrets: { vms: [git] }',
    );
    const members = (t: string): string => t.replace(/ssh-ed25519 \S+ cy@test/, ecdsa);
    expect(check({ roles, members }).errors).toEqual([
      'members.yaml:25:7  members[2].keys  has no key age can encrypt to, but role "developer" grants secrets (age refuses ECDSA and sk-* security keys); expected an ssh-ed25519 or ssh-rsa key, or an "age:" recipient (age-keygen -y)',
    ]);
    const withAge = (t: string): string =>
      members(t).replace('roles: [developer]', `age: ${recipient}\n    roles: [developer]`);
    expect(check({ roles, members: withAge }).errors).toEqual([]);
  });
});
