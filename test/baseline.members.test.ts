// Member accounts in the cloud-config: exactly on the VMs their roles grant, with their keys, sudo through the
// admins group where granted, and the members group sshd allows where anyone logs in without sudo.
import { deriveModel } from '../model/derive.ts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { loadInventory } from '../model/load.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';

interface Config {
  groups: string[];
  users: { name: string; groups?: string[]; ssh_authorized_keys?: string[]; lock_passwd?: boolean }[];
  write_files: { path: string; content: string }[];
}

const inventory = loadInventory(fixtureOrg(), { today: FIXTURE_TODAY }).inventory!;
const config = (vm: string): Config =>
  parse(
    renderCloudConfig(
      deriveModel(inventory),
      inventory.vms.find((v) => v.name === vm)!,
    ),
  ) as Config;
const sshd = (c: Config): string =>
  c.write_files.find((f) => f.path === '/etc/ssh/sshd_config.d/10-baseline.conf')!.content;

describe('member accounts in the cloud-config', () => {
  it('git: admins with sudo, the developer without, each with their own keys', () => {
    const c = config('git');
    const members = c.users.filter((u) => u.groups?.includes('members'));
    expect(members.map((u) => [u.name, u.groups])).toEqual([
      ['ada', ['admins', 'members']],
      ['bob', ['admins', 'members']],
      ['cy', ['members']],
    ]);
    const cy = inventory.members.find((m) => m.user === 'cy')!;
    expect(members[2]!.ssh_authorized_keys).toEqual(cy.keys);
    expect(c.groups).toContain('members');
    expect(sshd(c)).toMatch(/^AllowGroups admins members$/m);
  });

  it('proxy1: no developer account, and sshd does not name the members group where nobody needs it', () => {
    const c = config('proxy1');
    expect(c.users.filter((u) => u.groups?.includes('members')).map((u) => u.name)).toEqual(['ada', 'bob']);
    expect(sshd(c)).toMatch(/^AllowGroups admins$/m);
  });

  it('an organisation without members renders no member accounts', () => {
    const bare = loadInventory('test/fixtures/inventory/base').inventory!;
    const text = renderCloudConfig(deriveModel(bare), bare.vms[0]!);
    expect(text).not.toContain('members');
  });
});
