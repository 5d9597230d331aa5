// `npm run converge`: SSH through the jump host with pinned host keys, replicas in turns, one run per VM,
// and a clear refusal without a known_hosts file.
import { deriveModel } from '../model/derive.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAnsible } from '../baseline/ansible.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { FIXTURE, fixtureInventory } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'converge-'));

beforeAll(() => {
  const inventory = fixtureInventory();
  const models = inventory.vms
    .filter((vm) => vm.os !== 'other')
    .map((vm) => convergeModel(deriveModel(inventory), vm));
  for (const [path, text] of renderAnsible(deriveModel(inventory), models)) {
    const file = join(work, 'artifacts', 'ansible', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function converge(...args: string[]): { status: number; out: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'cli/converge.ts', '--inventory', FIXTURE, '--out', work, ...args],
    { encoding: 'utf8', env: { ...process.env, CONVERGE_USER: '', CONVERGE_KNOWN_HOSTS: '' } },
  );
  return { status: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
}

describe('npm run converge', () => {
  it('connects through the jump host with host keys pinned, never accepting unknown ones', () => {
    const { status, out } = converge(
      '--dry-run',
      '--known-hosts',
      '/srv/keys/known_hosts',
      '--user',
      'deploy',
    );
    expect(status, out).toBe(0);
    const commands = out.split('\n').filter((l) => l.startsWith('ansible-playbook '));
    expect(commands.length).toBe(fixtureInventory().vms.filter((vm) => vm.os !== 'other').length);
    for (const command of commands) {
      expect(command).toContain('StrictHostKeyChecking=yes');
      expect(command).not.toMatch(/StrictHostKeyChecking=(no|accept-new)/);
      expect(command).toContain('UserKnownHostsFile=/srv/keys/known_hosts');
      expect(command).toMatch(/ProxyCommand=ssh .* -W %h:%p deploy@\S+/);
      expect(command).toContain('-u deploy');
    }
  });

  it('runs the replicas of an anti-affinity group in different waves', () => {
    const inventory = fixtureInventory();
    const groups = new Map<string, string[]>();
    for (const vm of inventory.vms)
      if (vm.anti_affinity && vm.os !== 'other')
        groups.set(vm.anti_affinity, [...(groups.get(vm.anti_affinity) ?? []), vm.name]);
    const { out } = converge('--dry-run', '--known-hosts', '/dev/null');
    const waves = out
      .split('\n')
      .filter((l) => l.startsWith('=== '))
      .map((l) => l.split(': ')[1]!.split(' '));
    expect([...groups.values()].some((members) => members.length > 1)).toBe(true);
    for (const members of groups.values())
      for (const wave of waves) expect(members.filter((m) => wave.includes(m)).length).toBeLessThanOrEqual(1);
  });

  it('passes --check and --diff through, and narrows to --limit', () => {
    const vm = fixtureInventory().vms.find((v) => v.os !== 'other')!.name;
    const { out } = converge('--dry-run', '--check', '--diff', '--limit', vm, '--known-hosts', '/dev/null');
    const commands = out.split('\n').filter((l) => l.startsWith('ansible-playbook '));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain(' --check --diff ');
    expect(commands[0]).toContain(`vms/${vm}.yml`);
  });

  it("runs Ansible with Mitogen's strategy unless told --strategy linear, and refuses another", () => {
    const vm = fixtureInventory().vms.find((v) => v.os !== 'other')!.name;
    expect(converge('--dry-run', '--limit', vm, '--known-hosts', '/dev/null').out).toContain(
      'each ansible-playbook runs with ANSIBLE_STRATEGY=mitogen_linear',
    );
    expect(
      converge('--dry-run', '--strategy', 'linear', '--limit', vm, '--known-hosts', '/dev/null').out,
    ).toContain('each ansible-playbook runs with ANSIBLE_STRATEGY=linear');
    const other = converge('--dry-run', '--strategy', 'free', '--known-hosts', '/dev/null');
    expect(other.status).toBe(2);
    expect(other.out).toContain('--strategy free: expected one of mitogen_linear, linear');
  });

  it('refuses to run without a known_hosts file, saying where it looked', () => {
    const { status, out } = converge('--known-hosts', join(work, 'missing'));
    expect(status).toBe(1);
    expect(out).toContain(`${join(work, 'missing')}: no known_hosts file`);
  });
});
