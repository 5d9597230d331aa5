// Members on Proxmox: users, one group per role and group ACLs in each cluster stack, pinned on the members
// fixture organisation (test/fixtures/inventory/base + test/fixtures/members).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import { removeMember } from '../members/edit.ts';
import { expirationOf, proxmoxMembersPlan } from '../members/proxmox-users.ts';
import { loadInventory } from '../model/load.ts';
import { checkStack, type ProviderSchemaFile } from '../providers/conformance.ts';
import type { StackJson } from '../stacks/stack-json.ts';
import { synthClusterStack } from './helpers/cluster-stack.ts';
import { FIXTURE_TODAY, fixtureOrg, replace } from './helpers/members.ts';
import { rehearseChange } from './helpers/rehearse-change.ts';
import { TERRAFORM_MISSING } from './helpers/terraform.ts';

const MEMBER_TYPES = ['proxmox_virtual_environment_group', 'proxmox_acl', 'proxmox_virtual_environment_user'];
type Resources = Record<string, Record<string, Record<string, unknown>>>;

function load(edits: Parameters<typeof fixtureOrg>[0] = {}): Inventory {
  const result = loadInventory(fixtureOrg(edits), { today: FIXTURE_TODAY });
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

const synthCluster = (inventory: Inventory, cluster: string): StackJson =>
  synthClusterStack<StackJson>(inventory, cluster);

/** The members' resources of a stack, without cdktf's metadata. */
function memberResources(json: StackJson): Resources {
  const out: Resources = {};
  const all = (json.resource ?? {}) as Resources;
  for (const type of MEMBER_TYPES)
    out[type] = Object.fromEntries(
      Object.entries(all[type] ?? {}).map(([name, r]) => {
        const { '//': _, ...rest } = r;
        return [name, rest];
      }),
    );
  return out;
}

/** `type.name` of every resource that differs between two syntheses of one stack, sorted. */
function changedAddresses(a: StackJson, b: StackJson): string[] {
  const flat = (json: StackJson): Map<string, string> => {
    const out = new Map<string, string>();
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Resources))
      for (const [name, r] of Object.entries(byName)) out.set(`${type}.${name}`, JSON.stringify(r));
    return out;
  };
  const [x, y] = [flat(a), flat(b)];
  return [...new Set([...x.keys(), ...y.keys()])].filter((k) => x.get(k) !== y.get(k)).sort();
}

const group = (id: string): string => `\${proxmox_virtual_environment_group.${id}.group_id}`;

describe('the members part of a cluster stack', () => {
  const inv = load();

  it('creates one group per role granting something on the cluster, its ACLs, and a user per member', () => {
    expect(memberResources(synthCluster(inv, 'ceph'))).toEqual({
      proxmox_virtual_environment_group: {
        admin: { group_id: 'admin', comment: 'role admin: Everything, everywhere.' },
        developer: {
          group_id: 'developer',
          comment: 'role developer: Logs in to the forge and the CI runner, without sudo.',
        },
      },
      proxmox_acl: {
        'admin-Administrator-root': {
          group_id: group('admin'),
          path: '/',
          role_id: 'Administrator',
          propagate: true,
        },
        'developer-PVEVMUser-vms-103': {
          group_id: group('developer'),
          path: '/vms/103',
          role_id: 'PVEVMUser',
          propagate: true,
        },
      },
      proxmox_virtual_environment_user: {
        ada: {
          user_id: 'ada@pve',
          email: 'ada@test.example.org',
          comment: 'Ada Lovelace; member since 2020-01-01, managed in inventory/members.yaml',
          groups: [group('admin'), group('developer')],
          enabled: true,
        },
        bob: {
          user_id: 'bob@pve',
          email: 'bob@test.example.org',
          comment: 'Bob Builder; member since 2020-01-01, managed in inventory/members.yaml',
          groups: [group('admin'), group('developer')],
          enabled: true,
        },
        cy: {
          user_id: 'cy@pve',
          email: 'cy@test.example.org',
          comment: 'Cy Twombly; member since 2025-06-01, managed in inventory/members.yaml',
          groups: [group('developer')],
          enabled: true,
          expiration_date: '2036-06-30T23:59:59Z',
        },
      },
    });
  });

  it('leaves out groups and users for which a cluster has nothing: VM 103 is not on solo', () => {
    const solo = memberResources(synthCluster(inv, 'solo'));
    expect(Object.keys(solo.proxmox_virtual_environment_group!)).toEqual(['admin']);
    expect(Object.keys(solo.proxmox_acl!)).toEqual(['admin-Administrator-root']);
    expect(Object.keys(solo.proxmox_virtual_environment_user!)).toEqual(['ada', 'bob']);
  });

  it('never writes a password or a token into the stack', () => {
    for (const cluster of ['ceph', 'solo']) {
      const users = memberResources(synthCluster(inv, cluster)).proxmox_virtual_environment_user!;
      for (const user of Object.values(users)) expect(Object.keys(user)).not.toContain('password');
    }
  });

  it('puts users in the realm org.yaml names', () => {
    const other = load({ org: (t) => `${t}\nproxmox:\n  realm: fixture-ldap\n` });
    expect(proxmoxMembersPlan(other, 'ceph').users.map((u) => u.userId)).toEqual([
      'ada@fixture-ldap',
      'bob@fixture-ldap',
      'cy@fixture-ldap',
    ]);
    expect(proxmoxMembersPlan(inv, 'ceph').realm).toBe('pve');
  });

  it('narrows a grant to the clusters it names', () => {
    const narrowed = load({
      roles: replace(
        '- { role: Administrator, path: / }',
        '- { role: Administrator, path: /, clusters: [solo] }',
      ),
    });
    expect(proxmoxMembersPlan(narrowed, 'ceph').groups.map((g) => g.id)).toEqual(['developer']);
    expect(proxmoxMembersPlan(narrowed, 'solo').groups.map((g) => g.id)).toEqual(['admin']);
  });

  it('lets the membership end with the last day of `until`', () => {
    expect(expirationOf('2036-06-30')).toBe('2036-06-30T23:59:59Z');
  });

  it('creates an ACL on a pool, and a VM in it, only after the pool', () => {
    const pooled = load({
      vms: replace('    id: 103\n', '    id: 103\n    tags: [forge, web]\n'),
      roles: replace('path: /vms/103 }', 'path: /pool/forge }'),
    });
    const all = (synthCluster(pooled, 'ceph').resource ?? {}) as Resources;
    expect(Object.keys(all['proxmox_virtual_environment_pool']!)).toEqual(['forge']);
    expect(all['proxmox_acl']!['developer-PVEVMUser-pool-forge']!['depends_on']).toEqual([
      'proxmox_virtual_environment_pool.forge',
    ]);
    expect(all['proxmox_acl']!['admin-Administrator-root']!['depends_on']).toBeUndefined();
    const vm = Object.values(all['proxmox_virtual_environment_vm']!).find((r) => r['vm_id'] === 103)!;
    expect(vm['pool_id']).toBe('forge');
    expect(vm['depends_on']).toEqual(['proxmox_virtual_environment_pool.forge']);
  });

  it('conforms to the pinned proxmox schema', () => {
    const schema = JSON.parse(readFileSync('providers/proxmox/schema.json', 'utf8')) as ProviderSchemaFile;
    for (const cluster of ['ceph', 'solo'])
      expect(checkStack(synthCluster(inv, cluster), [schema])).toEqual([]);
  });
});

describe('offboarding on Proxmox', () => {
  it("removes exactly that member's user, in one deploy of each cluster stack, and nothing else", () => {
    const before = load();
    const after = load({ members: (t) => removeMember(t, 'cy') });
    const ceph = [synthCluster(before, 'ceph'), synthCluster(after, 'ceph')];
    const { cy, ...others } = memberResources(ceph[0]!).proxmox_virtual_environment_user!;
    expect(cy).toBeDefined();
    expect(memberResources(ceph[1]!).proxmox_virtual_environment_user).toEqual(others);
    // Besides the user, only the first-boot cloud-configs of the VMs cy could log in to change (git, runner).
    expect(changedAddresses(ceph[0]!, ceph[1]!)).toEqual([
      'proxmox_virtual_environment_file.git-user-data',
      'proxmox_virtual_environment_file.runner-user-data',
      'proxmox_virtual_environment_user.cy',
    ]);
    // solo had no user for cy: its members' resources do not change at all.
    expect(memberResources(synthCluster(after, 'solo'))).toEqual(
      memberResources(synthCluster(before, 'solo')),
    );
  });
});

describe.skipIf(TERRAFORM_MISSING)('the members part with the real terraform against the simulator', () => {
  it('applies, converges, and an offboarding destroys exactly that user', async () => {
    // The cluster stack cut down to its provider and the members' resources: the VMs are rehearsed elsewhere.
    const membersOnly = (inventory: Inventory): object => {
      const json = synthCluster(inventory, 'ceph');
      const kept = {
        ...json,
        resource: Object.fromEntries(MEMBER_TYPES.map((t) => [t, json.resource?.[t]])),
      };
      (kept.terraform as { backend?: unknown }).backend = { local: { path: 'terraform.tfstate' } };
      return kept;
    };
    const { first, second } = await rehearseChange(
      'members-ceph',
      membersOnly(load()),
      membersOnly(load({ members: (t) => removeMember(t, 'cy') })),
    );
    expect(first, first.detail).toMatchObject({ ok: true, planned: { create: 7, update: 0, delete: 0 } });
    expect(second, second.detail).toMatchObject({
      ok: true,
      planned: { create: 0, update: 0, delete: 1 },
      secondPlanClean: true,
    });
  }, 120_000);
});
