// Synthesizes every stack and artifact into an output directory atomically: built aside, then swapped in.
import { inventoryToJson } from '../inventory/json.ts';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Model } from '../model/derive.ts';
import {
  artifacts,
  cloudConfigsOf,
  clustersInOrder,
  synthClusters,
  synthDnsApp,
  synthForgeApp,
} from './app.ts';
import { nodeModuleArgs } from './node-module.ts';
import type { StackJson } from './stack-json.ts';

export interface StackSummary {
  readonly stack: string;
  /** Resource count per Terraform type, sorted by type. */
  readonly resources: ReadonlyMap<string, number>;
}

/**
 * Up to this many clusters are synthesized in this process. cdktf keeps every token it ever made in a
 * process-wide map, so one process synthesizing hundreds of stacks slows down as its heap fills; larger
 * inventories go to child processes of at most this many clusters each, run side by side.
 */
const CLUSTERS_PER_PROCESS = 24;

export interface SynthOptions {
  /** Child processes that synthesize stacks side by side. @default the machine's available parallelism */
  readonly parallel?: number;
}

/**
 * Synthesizes the model of a validated inventory (model/derive.ts, derived once by cli/synth-run.ts) into
 * `outdir`. Each cloud-config is rendered here once, for the cluster stacks and the artifacts alike.
 */
export async function synthesize(
  model: Model,
  outdir: string,
  env: NodeJS.ProcessEnv = process.env,
  options: SynthOptions = {},
): Promise<StackSummary[]> {
  const target = resolve(outdir);
  const scratch = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  // cdktf records a full stack trace for every token it creates; mapping each through tsx's source maps
  // made synth several times slower. Nobody reads those traces.
  process.setSourceMapsEnabled(false);
  try {
    const clusters = clustersInOrder(model.inventory).map((c) => c.name);
    const apps = join(scratch, '.apps');
    const cloudConfigs = cloudConfigsOf(model);
    if (clusters.length <= CLUSTERS_PER_PROCESS) {
      synthClusters(model, cloudConfigs, clusters, apps, env);
    } else {
      const parallel = Math.max(1, options.parallel ?? availableParallelism());
      const size = Math.min(CLUSTERS_PER_PROCESS, Math.ceil(clusters.length / parallel));
      const chunks: string[][] = [];
      for (let i = 0; i < clusters.length; i += size) chunks.push(clusters.slice(i, i + size));
      mkdirSync(scratch, { recursive: true });
      // The children derive the model from the inventory themselves (it holds no functions to pass along),
      // and take the cloud-configs already rendered: each only its own clusters' VMs', in a file of its own
      // (all of them in one JSON string exceeded V8's string length at 100x the example).
      const inventoryJson = inventoryToJson(model.inventory);
      await runPool(chunks.entries(), parallel, ([i, chunk]) => {
        const file = join(scratch, `input-${i}.json`);
        writeChildInput(file, inventoryJson, chunk, model, cloudConfigs);
        return synthInChild(file, chunk, apps, env).finally(() => rmSync(file, { force: true }));
      });
    }

    // `_dns` cannot clash with a cluster's app directory: cluster names start with a letter.
    const appDirs = clusters.map((c) => join(apps, c));
    if (synthDnsApp(model, join(apps, '_dns'), env)) appDirs.push(join(apps, '_dns'));
    if (synthForgeApp(model, join(apps, '_forge'), env)) appDirs.push(join(apps, '_forge'));

    mkdirSync(join(scratch, 'stacks'), { recursive: true });
    const manifest: { version?: string; stacks: Record<string, unknown> } = { stacks: {} };
    for (const appDir of appDirs) {
      const own = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8')) as typeof manifest;
      manifest.version = own.version;
      for (const [name, entry] of Object.entries(own.stacks)) {
        renameSync(join(appDir, 'stacks', name), join(scratch, 'stacks', name));
        manifest.stacks[name] = entry;
      }
    }
    rmSync(apps, { recursive: true, force: true });
    // One manifest for all stacks, as `cdktf synth` writes it, so the cdktf CLI can plan from this output.
    writeFileSync(
      join(scratch, 'manifest.json'),
      `${JSON.stringify({ stacks: manifest.stacks, version: manifest.version }, null, 2)}\n`,
    );
    for (const [path, text] of artifacts(model, cloudConfigs)) {
      const file = join(scratch, 'artifacts', path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    const summaries = summarize(scratch);
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(target, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    renameSync(scratch, target);
    rmSync(old, { recursive: true, force: true });
    return summaries;
  } finally {
    process.setSourceMapsEnabled(true);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The input of one child: the inventory, and the cloud-configs of its clusters' VMs only. */
function writeChildInput(
  file: string,
  inventoryJson: string,
  clusters: readonly string[],
  model: Model,
  cloudConfigs: ReadonlyMap<string, string>,
): void {
  const own = new Set(clusters);
  const configs = model.inventory.vms
    .filter((vm) => own.has(vm.cluster) && cloudConfigs.has(vm.name))
    .map((vm) => [vm.name, cloudConfigs.get(vm.name)!] as const);
  writeFileSync(
    file,
    `{"inventory":${inventoryJson},"cloudConfigs":${JSON.stringify(Object.fromEntries(configs))}}`,
  );
}

function summarize(outdir: string): StackSummary[] {
  const stacksDir = join(outdir, 'stacks');
  return readdirSync(stacksDir)
    .sort()
    .map((stack) => {
      const json = JSON.parse(readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as StackJson;
      const resources = new Map<string, number>();
      for (const type of Object.keys(json.resource ?? {}).sort()) {
        resources.set(type, Object.keys(json.resource?.[type] ?? {}).length);
      }
      return { stack, resources };
    });
}

/** Runs `task` over `items` with at most `parallel` running at once; rejects on the first failure. */
async function runPool<T>(
  items: Iterable<T>,
  parallel: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) {
      const item = queue[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, lane));
}

/** Synthesizes some clusters in a child process (stacks/synth-child.ts) that exits, and so frees, afterwards. */
function synthInChild(
  inventoryFile: string,
  clusters: readonly string[],
  apps: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [...nodeModuleArgs(import.meta.url, './synth-child'), inventoryFile, apps, ...clusters],
      { env, stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0
        ? done()
        : fail(new Error(`synthesizing ${clusters.join(', ')} failed (exit ${code}):\n${stderr}`)),
    );
  });
}
