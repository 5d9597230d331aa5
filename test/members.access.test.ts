// The access model, the words the review and the commands use, and the access report, on the fixture organisation.
import { describe, expect, it } from 'vitest';
import { type Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import { accessModel, accountsOn, memberAccess } from '../members/access.ts';
import { changeLines, describeChange, describeChanges } from '../members/describe.ts';
import { renderAccessReport } from '../members/report.ts';
import { exampleInventory } from './helpers/inventories.ts';
import { FIXTURE_TODAY, fixtureOrg, replace } from './helpers/members.ts';

function load(edits: Parameters<typeof fixtureOrg>[0] = {}): Inventory {
  const result = loadInventory(fixtureOrg(edits), { today: FIXTURE_TODAY });
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

const vm = (inv: Inventory, name: string) => inv.vms.find((v) => v.name === name)!;

describe('access model', () => {
  const inv = load();

  it('gives accounts on exactly the VMs the roles select, sudo where a granting role has it', () => {
    const cy = memberAccess(
      inv,
      inv.members.find((m) => m.user === 'cy')!,
    );
    expect(cy.ssh).toEqual([
      { vm: 'git', site: 'one', sudo: false },
      { vm: 'runner', site: 'one', sudo: false },
    ]);
    expect(accountsOn(inv, vm(inv, 'git')).map((a) => [a.member.user, a.sudo])).toEqual([
      ['ada', true],
      ['bob', true],
      ['cy', false],
    ]);
    expect(accountsOn(inv, vm(inv, 'proxy1')).map((a) => a.member.user)).toEqual(['ada', 'bob']);
  });

  it('gives no member account on os: other VMs (no baseline there)', () => {
    expect(accountsOn(inv, vm(inv, 'backup'))).toEqual([]);
    const ada = memberAccess(inv, inv.members[0]!);
    expect(ada.ssh.map((g) => g.vm)).not.toContain('backup');
  });

  it('applies Proxmox grants on every cluster where the path exists', () => {
    const [ada, , cy] = accessModel(inv);
    expect(ada!.proxmox).toEqual([
      { role: 'Administrator', path: '/', clusters: ['ceph', 'solo'] },
      { role: 'PVEVMUser', path: '/vms/103', clusters: ['ceph'] },
    ]);
    expect(cy!.proxmox).toEqual([{ role: 'PVEVMUser', path: '/vms/103', clusters: ['ceph'] }]);
    expect(cy!.forgeTeams).toEqual(['developers']);
    expect(ada!.oncall).toBe(true);
    expect(cy!.oncall).toBe(false);
  });
});

describe('what a person gains or loses, in words', () => {
  const inv = load();
  const cy = memberAccess(
    inv,
    inv.members.find((m) => m.user === 'cy')!,
  );

  it('onboarding: every grant, SSH with and without sudo apart', () => {
    expect(changeLines(describeChange(undefined, cy))).toEqual([
      'cy gains: SSH without sudo on 2 VMs (git, runner), PVEVMUser on /vms/103 (cluster ceph), forge team developers',
    ]);
  });

  it('offboarding: the same list as losses', () => {
    expect(changeLines(describeChange(cy, undefined))).toEqual([
      'cy loses: SSH without sudo on 2 VMs (git, runner), PVEVMUser on /vms/103 (cluster ceph), forge team developers',
    ]);
  });

  it('a role added: only what is new, sudo gained on VMs already reachable, many VMs summarised by site', () => {
    const after = load({ members: replace('roles: [developer]', 'roles: [developer, admin]') });
    const changes = describeChanges(accessModel(inv), accessModel(after));
    expect(changes.map(changeLines)).toEqual([
      [
        'cy gains: SSH with sudo on 3 VMs (db, proxy1, proxy2), sudo on 2 VMs already reachable (git, runner), Administrator on / (clusters ceph, solo), forge team admins, on-call monitoring notifications',
      ],
    ]);
  });

  it('no change, no lines', () => {
    expect(describeChanges(accessModel(inv), accessModel(load()))).toEqual([]);
  });
});

describe('access report', () => {
  it('says who logs in where with or without sudo, and who holds which Proxmox role', () => {
    const report = renderAccessReport(load());
    expect(report).toContain('| git | one | ada, bob | cy |');
    expect(report).toContain('| proxy1 | one | ada, bob | – |');
    expect(report).toContain('| backup | two | (os: other: bootstrap admin only) | – |');
    expect(report).toContain('| ceph | /vms/103 | PVEVMUser | ada, bob, cy |');
    expect(report).toContain('| solo | / | Administrator | ada, bob |');
    expect(report).toContain('| developers | ada, bob, cy |');
    expect(report).toContain('## On call\n\nada, bob\n');
  });

  it('changes when access changes, and only then', () => {
    const before = renderAccessReport(load());
    expect(renderAccessReport(load())).toBe(before);
    const after = renderAccessReport(
      load({ roles: replace('ssh: { vms: [git, runner] }', 'ssh: { vms: [git] }') }),
    );
    expect(after).not.toBe(before);
    expect(after).toContain('| runner | one | ada, bob | – |');
  });

  it('the example: every Debian VM has at least one sudo account, every member appears', () => {
    const inv = exampleInventory();
    for (const v of inv.vms.filter((x) => x.os !== 'other'))
      expect(
        accountsOn(inv, v).some((a) => a.sudo),
        v.name,
      ).toBe(true);
    const report = renderAccessReport(inv);
    for (const m of inv.members) expect(report).toContain(`| ${m.user} (${m.name}) |`);
  });
});

describe('keys published for ssh.keys_url', () => {
  it('come from members.yaml, one file per member, only when org.yaml names a keys_url', async () => {
    const { publishedKeys } = await import('../members/report.ts');
    expect(publishedKeys(load()).size).toBe(0);
    const withUrl = load({
      org: (t) => `${t}ssh:\n  keys_url: https://id.test.example.org/ssh/{user}.keys\n`,
    });
    const files = publishedKeys(withUrl);
    expect([...files.keys()]).toEqual(['keys/ada.keys', 'keys/bob.keys', 'keys/cy.keys']);
    expect(files.get('keys/cy.keys')).toBe(`${withUrl.members[2]!.keys[0]}\n`);
  });
});
