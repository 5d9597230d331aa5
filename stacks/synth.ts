// Synthesizes every stack and artifact into an output directory atomically: built aside, then swapped in.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { inventoryToJson, taggedJson } from '../inventory/json.ts';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { factsOf, type Model } from '../model/derive.ts';
import { type MonitoringModel, monitoringModel } from '../monitoring/model.ts';
import { clustersInOrder, eachArtifact } from './artifacts.ts';
import { renderCloudConfigs } from './cloud-configs.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { type StackChild, type StackJob, synthInChild } from './stack-child.ts';
import type { StackJson } from './stack-json.ts';
import { partsOnce, type PartsOf } from '../baseline/vm-model.ts';

export interface StackSummary {
  readonly stack: string;
  /** Resource count per Terraform type, sorted by type. */
  readonly resources: ReadonlyMap<string, number>;
}

/**
 * Up to this many clusters are synthesized in one process (this one, or the child started early); larger
 * inventories go to several children side by side.
 */
const CLUSTERS_PER_PROCESS = 24;

/**
 * At most this many clusters per child. cdktf keeps every token it ever made in a process-wide map (about
 * 1 MiB per cluster of the example), so a child's heap grows with its clusters; but each child pays Node's
 * start-up and cdktf's loading again (0.5-0.8 s of CPU), which 17 children of 24 clusters paid at 100x.
 */
const CLUSTERS_PER_CHILD = 50;

export interface SynthOptions {
  /** Child processes that synthesize stacks side by side. @default the machine's available parallelism */
  readonly parallel?: number;
  /**
   * A child started early (startStackChild) that synthesizes the stacks while this process renders the
   * artifacts. @default none: the stacks of a small inventory are synthesized in this process
   */
  readonly stackChild?: StackChild;
  /** The monitoring model, when the caller needs it too (the synth summary). @default derived from the model */
  readonly monitoring?: MonitoringModel;
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
  try {
    const clusters = clustersInOrder(model.inventory).map((c) => c.name);
    const apps = join(scratch, '.apps');
    // Each VM's baseline parts, worked out once for its cloud-config and its playbook.
    const partsOf = partsOnce(model);
    const cloudConfigs = new CloudConfigs(model, partsOf);
    mkdirSync(scratch, { recursive: true });
    const stacks = synthStacks({ model, cloudConfigs, clusters, scratch, apps, env }, options);
    // Children synthesize the stacks meanwhile, if any do (a failure there is reported by the await below).
    stacks.catch(() => undefined);
    writeArtifacts(scratch, model, cloudConfigs.all(), options.monitoring ?? monitoringModel(model), partsOf);
    await stacks;

    // `_dns` and `_forge` cannot clash with a cluster's app directory: cluster names start with a letter.
    const appDirs = [...clusters, '_dns', '_forge'].map((c) => join(apps, c)).filter((d) => existsSync(d));
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
    options.stackChild?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The VMs' cloud-configs, each rendered once when first asked for: a child of a few clusters gets its own as
 * soon as they are rendered, not after every VM's (at 100x the example that kept the second core idle for
 * the first several seconds).
 */
class CloudConfigs {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly model: Model,
    private readonly partsOf: PartsOf,
  ) {}

  /** The cloud-configs of `vms`, rendering those not rendered yet. */
  of(vms: readonly Vm[]): ReadonlyMap<string, string> {
    const missing = vms.filter((vm) => !this.texts.has(vm.name));
    for (const [name, text] of renderCloudConfigs(this.model, missing, this.partsOf))
      this.texts.set(name, text);
    return this.texts;
  }

  /** Every VM's cloud-config. */
  all(): ReadonlyMap<string, string> {
    return this.of(this.model.inventory.vms);
  }
}

interface StacksInput {
  readonly model: Model;
  readonly cloudConfigs: CloudConfigs;
  readonly clusters: readonly string[];
  readonly scratch: string;
  readonly apps: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Synthesizes every stack into `<apps>/<name>/`: in this process when the inventory is small and no child was
 * started; in the child started early when it is small; else the child started early takes the dns and forge
 * stacks and children of their own take the clusters, `parallel` at a time.
 */
async function synthStacks(input: StacksInput, options: SynthOptions): Promise<void> {
  const { model, cloudConfigs, clusters, scratch, apps, env } = input;
  if (clusters.length <= CLUSTERS_PER_PROCESS && !options.stackChild) {
    // Loaded only here: a process that leaves the stacks to children never loads cdktf.
    const { synthClusters, synthDnsApp, synthForgeApp } = await import('./app.ts');
    synthClusters(model, cloudConfigs.all(), clusters, apps, env);
    synthDnsApp(model, join(apps, '_dns'), env);
    synthForgeApp(model, join(apps, '_forge'), env);
    return;
  }
  const run = (job: StackJob, child?: StackChild): Promise<void> => {
    writeChildInput(job, model, cloudConfigs);
    return (child ? child.run(job) : synthInChild(job, env)).finally(() =>
      rmSync(job.input, { force: true }),
    );
  };
  if (clusters.length <= CLUSTERS_PER_PROCESS) {
    // One child for everything: another would pay Node's start and cdktf's loading again.
    await run({ input: join(scratch, 'input-0.json'), apps, clusters, shared: true }, options.stackChild);
    return;
  }
  // The child started early takes the dns and forge stacks at once: they need no cloud-config, so it works
  // while this process renders the first clusters' ones. The clusters go to children of their own.
  const shared = options.stackChild
    ? run({ input: join(scratch, 'input-shared.json'), apps, clusters: [], shared: true }, options.stackChild)
    : undefined;
  const parallel = Math.max(1, options.parallel ?? availableParallelism());
  const size = Math.min(CLUSTERS_PER_CHILD, Math.ceil(clusters.length / parallel));
  const chunks: (readonly string[])[] = [];
  for (let i = 0; i < clusters.length; i += size) chunks.push(clusters.slice(i, i + size));
  const pool = runPool(chunks.entries(), parallel, ([i, chunk]) =>
    run({
      input: join(scratch, `input-${i}.json`),
      apps,
      clusters: chunk,
      shared: i === 0 && !options.stackChild,
    }),
  );
  await Promise.all(shared ? [shared, pool] : [pool]);
}

/** Writes every artifact (stacks/artifacts.ts) under `<scratch>/artifacts/`. */
function writeArtifacts(
  scratch: string,
  model: Model,
  cloudConfigs: ReadonlyMap<string, string>,
  monitoring: MonitoringModel,
  partsOf: PartsOf,
): void {
  const made = new Set<string>();
  eachArtifact(model, cloudConfigs, monitoring, partsOf, (path, text) => {
    const file = join(scratch, 'artifacts', path);
    const dir = dirname(file);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    writeFileSync(file, text);
  });
}

/**
 * The input of one child (synth-child.ts), in a file of its own: each child takes only its own clusters' VMs'
 * cloud-configs, NICs and firewall rules, already rendered here (all cloud-configs in one JSON string exceeded
 * V8's string length at 100x the example). A child of clusters only gets the inventory without the other
 * clusters' VMs and derives no model: deriving it in every child made synth grow with the square of the
 * inventory. The child of the dns and forge stacks gets the whole inventory and derives the model itself (it
 * holds functions, which JSON cannot carry).
 */
function writeChildInput(job: StackJob, model: Model, rendered: CloudConfigs): void {
  const own = new Set(job.clusters);
  const vms = model.inventory.vms.filter((vm) => own.has(vm.cluster));
  const cloudConfigs = rendered.of(vms);
  const configs = vms.flatMap((vm) => {
    const text = cloudConfigs.get(vm.name);
    return text === undefined ? [] : [[vm.name, text] as const];
  });
  const facts = vms.map((vm) => {
    const { nics, firewall } = factsOf(model, vm);
    return [vm.name, { nics, firewall }] as const;
  });
  const inventory = inventoryToJson(job.shared ? model.inventory : { ...model.inventory, vms });
  writeFileSync(
    job.input,
    `{"inventory":${inventory},"cloudConfigs":${JSON.stringify(Object.fromEntries(configs))},"facts":${taggedJson(Object.fromEntries(facts))}}`,
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
