// Large inventories synthesize in child processes; the output must be the same as for any other synth.
import { deriveModel } from '../model/derive.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaleInventory } from '../bench/scale.ts';
import { loadInventory } from '../model/load.ts';
import { exampleInventory } from './helpers/inventories.ts';
import { synthesize } from '../stacks/synth.ts';
import { synthClusterApp } from '../stacks/app.ts';
import { cloudConfigsOf, clustersInOrder } from '../stacks/artifacts.ts';
import { type StackChild, type StackJob, startStackChild } from '../stacks/stack-child.ts';

const work = mkdtempSync(join(tmpdir(), 'synth-large-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('synthesize on more clusters than one process takes (more than 24)', () => {
  it('writes every stack with its VMs, one manifest for all, and nothing left over', async () => {
    scaleInventory('inventory', join(work, 'inventory'), 7);
    const inventory = loadInventory(join(work, 'inventory')).inventory!;
    const example = exampleInventory();
    // More clusters than one process synthesizes (24), however the example grows.
    expect(inventory.clusters.length).toBeGreaterThan(24);
    expect(inventory.clusters).toHaveLength(7 * example.clusters.length);
    const out = join(work, 'out');
    const model = deriveModel(inventory);
    const summaries = await synthesize(model, out, {}, { parallel: 2 });
    // Every cluster stack, then the one dns stack and the one forge stack of the whole organisation.
    expect(summaries.map((s) => s.stack)).toEqual([
      ...inventory.clusters.map((c) => `cluster-${c.name}`).sort(),
      'dns',
      'forge',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, unknown>;
    };
    expect(Object.keys(manifest.stacks)).toHaveLength(inventory.clusters.length + 2);
    let vms = 0;
    for (const summary of summaries) vms += summary.resources.get('proxmox_virtual_environment_vm') ?? 0;
    expect(vms).toBe(7 * example.vms.length);
    expect(readdirSync(out).sort()).toEqual(['artifacts', 'manifest.json', 'stacks']);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);

    // A child of clusters alone gets only its VMs' facts, not the model: its stack is the one the whole model
    // gives in this process, byte for byte (the last cluster is in such a child, the first in the shared one).
    const cloudConfigs = cloudConfigsOf(model);
    for (const cluster of [clustersInOrder(inventory)[0]!, clustersInOrder(inventory).at(-1)!]) {
      const alone = join(work, `alone-${cluster.name}`);
      synthClusterApp({ model, cluster, cloudConfigs, env: {} }, alone);
      const stack = `cluster-${cluster.name}`;
      expect(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')).toBe(
        readFileSync(join(alone, 'stacks', stack, 'cdk.tf.json'), 'utf8'),
      );
    }
  }, 300_000);

  it('hands the child started early the dns and forge stacks at once, with no cloud-config to wait for, and writes the same files', async () => {
    const model = deriveModel(loadInventory(join(work, 'inventory')).inventory!);
    const jobs: { job: StackJob; cloudConfigs: number }[] = [];
    const early = startStackChild({});
    const child: StackChild = {
      run(job) {
        const input = JSON.parse(readFileSync(job.input, 'utf8')) as { cloudConfigs: object };
        jobs.push({ job, cloudConfigs: Object.keys(input.cloudConfigs).length });
        return early.run(job);
      },
      close: () => early.close(),
    };
    const out = join(work, 'out-early');
    await synthesize(model, out, {}, { parallel: 2, stackChild: child });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.job).toMatchObject({ clusters: [], shared: true });
    expect(jobs[0]!.cloudConfigs).toBe(0);
    // Byte for byte what the same synth writes with the dns and forge stacks in the first clusters' child.
    expect(tree(out)).toEqual(tree(join(work, 'out')));
  }, 300_000);
});

/** Every file under `dir` by its relative path, with its text. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = join(dir, path);
    if (statSync(file).isFile()) files[path] = readFileSync(file, 'utf8');
  }
  return files;
}
