// Real terraform against the simulator: an HA VM found on another node after a failover, and a non-HA VM given a new node.
import { deriveModel } from '../model/derive.ts';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import { pinnedSchemaFiles } from '../providers/simulator/pinned.ts';
import { rehearseStack } from '../providers/simulator/rehearse.ts';
import { type Simulator, startSimulator } from '../providers/simulator/server.ts';
import { editObject, readWorld } from '../providers/simulator/state.ts';
import { findTerraform, run, terraformEnv, terraformMissing } from '../providers/simulator/terraform.ts';
import { LOCAL_STATE_DIR } from '../stacks/backend.ts';
import { synthesize } from '../stacks/synth.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BASE = join(ROOT, 'test/fixtures/inventory/base');
const STACK = 'cluster-ceph';
const missing = terraformMissing();
if (missing) console.warn(`rehearse.failover: skipped: ${missing}`);

interface Change {
  readonly address: string;
  readonly actions: readonly string[];
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

function load(dir: string): Inventory {
  const result = loadInventory(dir);
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

describe.skipIf(missing !== undefined)('a deploy rehearsed with the real terraform', () => {
  const work = mkdtempSync(join(tmpdir(), 'rehearse-failover-'));
  const world = join(work, 'world.json');
  const schemaFiles = pinnedSchemaFiles(join(ROOT, 'providers'));
  let simulator: Simulator;

  /** Plans the stack in `synthDir` against the simulator: the exit code and every resource that changes. */
  async function plan(synthDir: string): Promise<{ code: number | null; changes: Change[]; output: string }> {
    const dir = join(synthDir, 'stacks', STACK);
    const env = terraformEnv(simulator.reattach, { INFRA_BACKEND: 'local' });
    const tf = (...args: string[]) => run(findTerraform()!, args, { cwd: dir, env });
    const init = await tf('init', '-input=false', '-no-color');
    if (init.code !== 0) throw new Error(init.stderr);
    const planned = await tf('plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=next.tfplan');
    const shown = await tf('show', '-json', 'next.tfplan');
    const json = JSON.parse(shown.stdout || '{}') as {
      resource_changes?: { address: string; change: Omit<Change, 'address'> }[];
    };
    const changes = (json.resource_changes ?? [])
      .filter((rc) => !rc.change.actions.includes('no-op') && !rc.change.actions.includes('read'))
      .map((rc) => ({ address: rc.address, ...rc.change }));
    return { code: planned.code, changes, output: `${planned.stdout}\n${planned.stderr}` };
  }

  beforeAll(async () => {
    const synthDir = join(work, 'deployed');
    await synthesize(deriveModel(load(BASE)), synthDir, { INFRA_BACKEND: 'local' });
    const deployed = await rehearseStack(STACK, {
      synthDir,
      stacks: [STACK],
      terraform: findTerraform()!,
      schemaFiles,
      worldFile: world,
      inventory: BASE,
      env: { INFRA_BACKEND: 'local' },
    });
    if (!deployed.ok) throw new Error(`first deploy failed at ${deployed.failed}:\n${deployed.detail}`);
    simulator = await startSimulator({ schemaFiles, worldFile: world });
  }, 240_000);

  afterAll(async () => {
    await simulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('plans no migration and no failure after HA moved a VM, and moves its firewall to the VM in place', async () => {
    const vms = () => readWorld(world).endpoints['https://pve-ceph.test.example.org:8006/']!;
    expect(vms().proxmox_virtual_environment_vm!['104']!.node_name).toBe('node3');
    // Proxmox HA restarted db (VMID 104) on node1 after node3 failed: "what Proxmox has" says so.
    expect(editObject(world, 'proxmox_virtual_environment_vm', '104', (vm) => (vm.node_name = 'node1'))).toBe(
      true,
    );

    const { code, changes, output } = await plan(join(work, 'deployed'));
    expect(code, output).toBe(2);
    expect(changes.map((c) => `${c.actions.join('+')} ${c.address}`).sort()).toEqual([
      'update proxmox_virtual_environment_firewall_options.db',
      'update proxmox_virtual_environment_firewall_rules.db',
    ]);
    for (const c of changes) {
      expect(c.before?.node_name).toBe('node3');
      expect(c.after?.node_name).toBe('node1');
      const { node_name: _b, ...before } = c.before ?? {};
      const { node_name: _a, ...after } = c.after ?? {};
      expect(after, `${c.address}: only the node changes`).toEqual(before);
    }

    // Applying it leaves the VM where HA put it, the firewall addressed through that node, and nothing to do.
    const dir = join(work, 'deployed', 'stacks', STACK);
    const env = terraformEnv(simulator.reattach, { INFRA_BACKEND: 'local' });
    const apply = await run(findTerraform()!, ['apply', '-input=false', '-no-color', 'next.tfplan'], {
      cwd: dir,
      env,
    });
    expect(apply.code, apply.stderr).toBe(0);
    expect(vms().proxmox_virtual_environment_vm!['104']!.node_name).toBe('node1');
    const again = await plan(join(work, 'deployed'));
    expect(again.code, again.output).toBe(0);
  }, 120_000);

  it('migrates a non-HA VM given a new preferred node: an update in place, not a replacement', async () => {
    const moved = join(work, 'moved-inventory');
    cpSync(BASE, moved, { recursive: true });
    const vmsYaml = readFileSync(join(moved, 'vms.yaml'), 'utf8');
    const edited = vmsYaml.replace(
      '  - name: runner\n    cluster: ceph\n    node: node2\n',
      '  - name: runner\n    cluster: ceph\n    node: node3\n',
    );
    expect(edited).not.toBe(vmsYaml);
    writeFileSync(join(moved, 'vms.yaml'), edited);
    const synthDir = join(work, 'moved');
    await synthesize(deriveModel(load(moved)), synthDir, { INFRA_BACKEND: 'local' });
    // The same state as the deployed stack (both outputs share terraform.state/ beside them in `work`): the
    // change is only in the configuration.
    expect(existsSync(join(work, LOCAL_STATE_DIR, `${STACK}.tfstate`))).toBe(true);

    const { code, changes, output } = await plan(synthDir);
    expect(code, output).toBe(2);
    expect(changes.map((c) => `${c.actions.join('+')} ${c.address}`).sort()).toEqual([
      'update proxmox_virtual_environment_firewall_options.runner',
      'update proxmox_virtual_environment_firewall_rules.runner',
      'update proxmox_virtual_environment_vm.runner',
    ]);
    const vm = changes.find((c) => c.address === 'proxmox_virtual_environment_vm.runner')!;
    expect([vm.before?.node_name, vm.after?.node_name, vm.after?.migrate]).toEqual(['node2', 'node3', true]);
  }, 120_000);
});
