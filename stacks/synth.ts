// Synthesizes every stack and artifact into an output directory atomically: built aside, then swapped in.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Inventory } from '../inventory/inventory.ts';
import { artifacts, clustersInOrder, synthClusterApp } from './app.ts';

export interface StackSummary {
  readonly stack: string;
  /** Resource count per Terraform type, sorted by type. */
  readonly resources: ReadonlyMap<string, number>;
}

export function synthesize(
  inventory: Inventory,
  outdir: string,
  env: NodeJS.ProcessEnv = process.env,
): StackSummary[] {
  const target = resolve(outdir);
  const scratch = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  // cdktf records a full stack trace for every token it creates; mapping each through tsx's source maps
  // made synth several times slower (and super-linear in the stack count). Nobody reads those traces.
  process.setSourceMapsEnabled(false);
  try {
    mkdirSync(join(scratch, 'stacks'), { recursive: true });
    const manifest: { version?: string; stacks: Record<string, unknown> } = { stacks: {} };
    for (const cluster of clustersInOrder(inventory)) {
      const appDir = join(scratch, '.app');
      synthClusterApp(inventory, cluster, appDir, env);
      const own = JSON.parse(readFileSync(join(appDir, 'manifest.json'), 'utf8')) as typeof manifest;
      manifest.version = own.version;
      for (const [name, entry] of Object.entries(own.stacks)) {
        renameSync(join(appDir, 'stacks', name), join(scratch, 'stacks', name));
        manifest.stacks[name] = entry;
      }
      rmSync(appDir, { recursive: true, force: true });
    }
    // One manifest for all stacks, as `cdktf synth` writes it, so the cdktf CLI can plan from this output.
    writeFileSync(
      join(scratch, 'manifest.json'),
      `${JSON.stringify({ stacks: manifest.stacks, version: manifest.version }, null, 2)}\n`,
    );
    for (const [path, text] of artifacts(inventory)) {
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

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
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
