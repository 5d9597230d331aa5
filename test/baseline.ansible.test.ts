// The playbooks render the same model as the cloud-configs: every file cloud-init writes, the playbook writes
// with the same content and mode; the playbooks pass `ansible-playbook --syntax-check` and `ansible-lint`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderAnsible, renderPlaybook } from '../baseline/ansible.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { convergeWaves } from '../baseline/converge-waves.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { vmConvergeModels } from '../monitoring/icinga2-node.ts';
import { loadInventory } from '../model/load.ts';
import { deriveModel } from '../model/derive.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { exampleInventory, fixtureInventory } from './helpers/inventories.ts';

const example = exampleInventory();
const exampleModel = deriveModel(example);
const debian = example.vms.filter((vm) => vm.os !== 'other');

interface Task {
  name: string;
  'ansible.builtin.copy'?: { dest: string; content: string; mode: string };
  [module: string]: unknown;
}

function tasksOf(playbook: string): Task[] {
  // `!unsafe` is Ansible's tag; for the test it is a plain string.
  const plays = parse(playbook, {
    customTags: ANSIBLE_YAML_TAGS,
  }) as { tasks: Task[] }[];
  return plays.flatMap((p) => p.tasks);
}

function has(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

describe('playbooks and cloud-configs render one model', () => {
  it('writes every file cloud-init writes, with the same content and mode', () => {
    for (const vm of debian) {
      const cloud = parse(renderCloudConfig(exampleModel, vm)) as {
        write_files: { path: string; content: string; permissions: string }[];
      };
      const copies = new Map(
        tasksOf(renderPlaybook(convergeModel(exampleModel, vm)))
          .flatMap((t) => (t['ansible.builtin.copy'] ? [t['ansible.builtin.copy']] : []))
          .map((c) => [c.dest, c]),
      );
      expect(cloud.write_files.length).toBeGreaterThan(0);
      for (const file of cloud.write_files) {
        const copy = copies.get(file.path);
        expect(copy, `${vm.name}: ${file.path}`).toBeDefined();
        expect(copy?.content, `${vm.name}: ${file.path}`).toBe(file.content);
        expect(copy?.mode, `${vm.name}: ${file.path}`).toBe(file.permissions);
      }
    }
  });

  it('does everything else cloud-init does too: groups, accounts, debconf answers, directories', () => {
    let answers = 0;
    for (const vm of debian) {
      const cloud = parse(renderCloudConfig(exampleModel, vm)) as {
        groups?: string[];
        users: { name: string; homedir?: string }[];
        runcmd: string[][];
      };
      const tasks = tasksOf(renderPlaybook(convergeModel(exampleModel, vm)));
      const directories = new Set(
        tasks.flatMap((t) => {
          const file = t['ansible.builtin.file'] as { path: string; state: string } | undefined;
          return file?.state === 'directory' ? [file.path] : [];
        }),
      );
      const groups = tasks.find((t) => t.name === 'Groups')?.loop as string[] | undefined;
      for (const g of cloud.groups ?? []) expect(groups, `${vm.name}: group ${g}`).toContain(g);
      for (const u of cloud.users) {
        const user = tasks.find((t) => t.name === `User ${u.name}`)?.['ansible.builtin.user'] as
          { home: string } | undefined;
        expect(user, `${vm.name}: user ${u.name}`).toBeDefined();
        if (u.homedir) expect(user?.home).toBe(u.homedir);
      }
      for (const cmd of cloud.runcmd) {
        const script = cmd.join(' ');
        const debconf = /^sh -c echo '(\S+) (\S+) (\S+) (.*)' \| debconf-set-selections$/.exec(script);
        if (debconf) {
          answers++;
          const [, pkg, question, type, value] = debconf;
          const task = tasks.find((t) => t.name === `Answer ${question} for ${pkg}`);
          expect(task?.['ansible.builtin.debconf'], script).toEqual({
            name: pkg,
            question,
            vtype: type,
            value,
          });
        }
        if (cmd[0] === 'install' && cmd[1] === '-d')
          for (const path of cmd.slice(cmd.indexOf('-m') + 2).filter((a) => a.startsWith('/')))
            expect(directories.has(path), `${vm.name}: ${script}`).toBe(true);
      }
    }
    // Synapse and Jitsi are in the example: their answers are there to compare.
    expect(answers).toBeGreaterThanOrEqual(3);
  });

  it('names every task and uses only builtin modules', () => {
    for (const vm of debian) {
      for (const task of tasksOf(renderPlaybook(convergeModel(exampleModel, vm)))) {
        expect(task.name).toMatch(/^[A-Z]/);
        const modules = Object.keys(task).filter((k) => k.includes('.'));
        expect(modules).toHaveLength(1);
        expect(modules[0]).toMatch(/^ansible\.builtin\./);
        if (modules[0] === 'ansible.builtin.command')
          expect(JSON.stringify(task)).toMatch(/creates|changed_when/);
      }
    }
  });

  it('keeps Jinja in inventory text from being evaluated', () => {
    const playbook = renderPlaybook(convergeModel(exampleModel, debian[0]!));
    expect(playbook).toContain('content: !unsafe');
  });

  it('is byte-identical for the same inventory', () => {
    const render = (): Map<string, string> => {
      const model = deriveModel(exampleInventory());
      return renderAnsible(
        model,
        debian.map((vm) => convergeModel(model, vm)),
      );
    };
    const [a, b] = [render(), render()];
    expect([...a]).toEqual([...b]);
  });

  it('groups the inventory by site, cluster, kind and anti-affinity group', () => {
    const inventory = parse(
      renderAnsible(
        exampleModel,
        debian.map((vm) => convergeModel(exampleModel, vm)),
      ).get('inventory.yml')!,
      { customTags: ANSIBLE_YAML_TAGS },
    ) as {
      all: { hosts: Record<string, unknown>; children: Record<string, { hosts: Record<string, null> }> };
    };
    expect(Object.keys(inventory.all.hosts).sort()).toEqual(debian.map((vm) => vm.name).sort());
    for (const prefix of ['site_', 'cluster_', 'kind_', 'anti_affinity_'])
      expect(Object.keys(inventory.all.children).some((g) => g.startsWith(prefix))).toBe(true);
  });
});

describe('converge waves', () => {
  it('never puts two VMs of one anti-affinity group in the same wave', () => {
    const waves = convergeWaves(loadInventory('test/fixtures/services/good').model!);
    const one = waves.find((s) => s.waves.flat().includes('proxy1'))!;
    // proxy1 and proxy2 share the group `proxy`: proxy2 waits for proxy1.
    expect(one.waves[0]).toContain('proxy1');
    expect(one.waves[0]).not.toContain('proxy2');
    expect(one.waves[1]).toEqual(['proxy2']);
    expect(waves.flatMap((s) => s.waves.flat())).not.toContain('appliance');
  });
});

const TOOLS = has('ansible-playbook') && has('ansible-lint');
if (!TOOLS)
  console.warn('ansible-playbook or ansible-lint is not installed: skipping the syntax and lint checks');

const work = mkdtempSync(join(tmpdir(), 'ansible-lint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes the Ansible artifacts of an inventory into a directory of its own; returns the playbooks' paths. */
function writeAnsible(inventory: Inventory, dir: string): string[] {
  const model = deriveModel(inventory);
  // As synth writes them: the Icinga2 nodes' parts (monitoring/) too.
  const models = vmConvergeModels(
    model,
    inventory.vms.filter((vm) => vm.os !== 'other'),
  );
  const files = renderAnsible(model, models);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return [...files.keys()].filter((p) => p.startsWith('vms/'));
}

describe.skipIf(!TOOLS)('real Ansible tools', () => {
  it('passes ansible-playbook --syntax-check for every playbook of the example', () => {
    const dir = join(work, 'example');
    const playbooks = writeAnsible(example, dir);
    const r = spawnSync('ansible-playbook', ['-i', 'inventory.yml', '--syntax-check', ...playbooks], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 300_000);

  // ansible-lint takes seconds per playbook: it judges every playbook of the fixture organisation, whose
  // VMs cover the same parts (proxy, database, DNS, jump host, containers) as the example's.
  it('passes ansible-lint --offline (production profile) for every playbook of the fixture', () => {
    const dir = join(work, 'fixture');
    const playbooks = writeAnsible(fixtureInventory(), dir);
    const r = spawnSync('ansible-lint', ['--offline', '--nocolor', ...playbooks], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('production');
  }, 900_000);
});
