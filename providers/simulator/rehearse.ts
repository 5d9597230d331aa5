// A deploy rehearsed with the real terraform against the simulator: per stack init, validate, plan, gate, apply, plan again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeModuleArgs, sourceFile } from '../../stacks/node-module.ts';
import { startSimulator } from './server.ts';
import { run, type RunResult, terraformEnv } from './terraform.ts';

export interface StackRehearsal {
  readonly stack: string;
  /** Every step held, the second plan included. */
  readonly ok: boolean;
  /** The step that failed, when one did. */
  readonly failed?: 'providers' | 'init' | 'validate' | 'plan' | 'gate' | 'apply' | 'second plan';
  /** What the failing step said (its last lines). */
  readonly detail?: string;
  readonly planned: { readonly create: number; readonly update: number; readonly delete: number };
  /** Resource changes the apply carried out. */
  readonly applied: number;
  readonly secondPlanClean: boolean;
  readonly seconds: number;
}

export interface RehearseOptions {
  /** The synth output directory (holds stacks/<name>/cdk.tf.json). */
  readonly synthDir: string;
  /** Stacks in deploy order. */
  readonly stacks: readonly string[];
  /** The terraform (or tofu) binary. */
  readonly terraform: string;
  /** Pinned schema files the simulator serves. */
  readonly schemaFiles: readonly string[];
  /** The simulator's world ("what Proxmox has"), shared by every stack. */
  readonly worldFile: string;
  /** Stacks rehearsed side by side. @default 2 */
  readonly parallel?: number;
  readonly inventory: string;
  /** Extra environment for terraform (PG_CONN_STR for the pg backend). */
  readonly env?: NodeJS.ProcessEnv;
}

const REPO = sourceFile(import.meta.url, '../..');

const tail = (r: RunResult): string =>
  `${r.stdout}\n${r.stderr}`
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-12)
    .join('\n');

/** `bpg/proxmox` and `registry.terraform.io/bpg/proxmox` name one provider. */
export function providerAddress(source: string): string {
  const parts = source.split('/');
  return parts.length === 2 ? `registry.terraform.io/${source}` : source;
}

/** The providers a stack requires that the simulator does not serve. */
export function unservedProviders(stackJson: string, served: readonly string[]): string[] {
  const json = JSON.parse(readFileSync(stackJson, 'utf8')) as {
    terraform?: { required_providers?: Record<string, { source?: string }> };
  };
  return Object.entries(json.terraform?.required_providers ?? {})
    .map(([name, p]) => providerAddress(p.source ?? `hashicorp/${name}`))
    .filter((address) => !served.includes(address));
}

function countChanges(planJson: string): StackRehearsal['planned'] {
  const plan = JSON.parse(planJson) as { resource_changes?: { change: { actions: string[] } }[] };
  const planned = { create: 0, update: 0, delete: 0 };
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    if (a.includes('create')) planned.create += 1;
    if (a.includes('update')) planned.update += 1;
    if (a.includes('delete')) planned.delete += 1;
  }
  return planned;
}

/** One stack, with a simulator of its own (its provider configuration names its API endpoint). */
export async function rehearseStack(stack: string, options: RehearseOptions): Promise<StackRehearsal> {
  const simulator = await startSimulator({ schemaFiles: options.schemaFiles, worldFile: options.worldFile });
  try {
    return await rehearseWith(stack, options, simulator.reattach, simulator.providers);
  } finally {
    await simulator.close();
  }
}

async function rehearseWith(
  stack: string,
  options: RehearseOptions,
  reattach: string,
  served: readonly string[],
): Promise<StackRehearsal> {
  const started = performance.now();
  const dir = resolve(options.synthDir, 'stacks', stack);
  const env = terraformEnv(reattach, options.env);
  const tf = (...args: string[]) => run(options.terraform, args, { cwd: dir, env });
  let planned = { create: 0, update: 0, delete: 0 };
  const result = (rest: Partial<StackRehearsal>): StackRehearsal => ({
    stack,
    ok: false,
    planned,
    applied: 0,
    secondPlanClean: false,
    seconds: (performance.now() - started) / 1000,
    ...rest,
  });

  const missing = unservedProviders(join(dir, 'cdk.tf.json'), served);
  if (missing.length > 0)
    return result({
      failed: 'providers',
      detail: `the simulator serves no schema for ${missing.join(', ')}`,
    });

  const steps: [StackRehearsal['failed'] & string, string[]][] = [
    ['init', ['init', '-input=false', '-no-color']],
    ['validate', ['validate', '-no-color']],
    ['plan', ['plan', '-input=false', '-no-color', '-out=plan.tfplan']],
  ];
  for (const [step, args] of steps) {
    const r = await tf(...args);
    if (r.code !== 0) return result({ failed: step, detail: tail(r) });
  }
  const show = await tf('show', '-json', 'plan.tfplan');
  if (show.code !== 0) return result({ failed: 'plan', detail: tail(show) });
  writeFileSync(join(dir, 'plan.json'), show.stdout);
  planned = countChanges(show.stdout);

  // The deploy gate as the pipeline runs it on the saved plan's JSON, less the history checks a rehearsal has no
  // deployed revision for (--rehearsal).
  const gate = await run(
    process.execPath,
    [
      ...nodeModuleArgs(import.meta.url, '../../cli/deploy-gate'),
      join(dir, 'plan.json'),
      '--stack',
      stack,
      '--rehearsal',
      '--synth-dir',
      resolve(options.synthDir),
      '--inventory',
      resolve(options.inventory),
    ],
    { cwd: REPO, env: process.env },
  );
  if (gate.code !== 0) return result({ failed: 'gate', detail: tail(gate) });

  const apply = await tf('apply', '-input=false', '-no-color', 'plan.tfplan');
  if (apply.code !== 0) return result({ failed: 'apply', detail: tail(apply) });
  const applied = planned.create + planned.update + planned.delete;

  const again = await tf('plan', '-input=false', '-no-color', '-detailed-exitcode');
  if (again.code !== 0)
    return result({
      applied,
      failed: 'second plan',
      detail: again.code === 2 ? `changes after apply:\n${tail(again)}` : tail(again),
    });
  return result({ ok: true, applied, secondPlanClean: true });
}

/** One line a person reads per stack. */
export function describeStack(r: StackRehearsal): string {
  const plan = `plan +${r.planned.create} ~${r.planned.update} -${r.planned.delete}`;
  const time = `${r.seconds.toFixed(1)} s`;
  if (r.ok)
    return `${r.stack}: validate ok, ${plan}, gate ok, applied ${r.applied}, second plan clean (${time})`;
  return `${r.stack}: FAILED at ${r.failed} (${time})`;
}

export function summaryLine(results: readonly StackRehearsal[]): string {
  const applied = results.reduce((sum, r) => sum + r.applied, 0);
  const clean = results.length > 0 && results.every((r) => r.secondPlanClean);
  return `rehearse: ${results.length} stacks, ${applied} resources applied, second plan clean: ${clean ? 'yes' : 'no'}`;
}

/** How many resources a synthesized stack declares: what its terraform run takes time over. */
export function resourceCount(stackJson: string): number {
  const json = JSON.parse(readFileSync(stackJson, 'utf8')) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

/**
 * The order stacks start in: one at a time, deploy order; side by side, the largest first, so the small
 * ones fill in beside it instead of the largest running alone at the end (the dns stack of the example
 * holds as many resources as two cluster stacks).
 */
export function startOrder(stacks: readonly string[], synthDir: string, parallel: number): string[] {
  if (parallel <= 1) return [...stacks];
  const size = new Map(stacks.map((s) => [s, resourceCount(join(synthDir, 'stacks', s, 'cdk.tf.json'))]));
  return [...stacks].sort((a, b) => size.get(b)! - size.get(a)!);
}

/**
 * Every stack, a few side by side (terraform waits on its provider much of the time); results and
 * lines come in deploy order. A failing stack never stops the others, as in the deploy pipeline.
 */
export async function rehearseAll(
  options: RehearseOptions,
  onStack: (r: StackRehearsal) => void = () => {},
): Promise<StackRehearsal[]> {
  const stacks = options.stacks.filter((s) => existsSync(join(options.synthDir, 'stacks', s, 'cdk.tf.json')));
  const limit = Math.max(1, options.parallel ?? 2);
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running < limit) running += 1;
    else await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = (): void => {
    const wake = queue.shift();
    if (wake) wake();
    else running -= 1;
  };
  const pending = new Map(
    startOrder(stacks, options.synthDir, limit).map((stack) => [
      stack,
      (async () => {
        await slot();
        try {
          return await rehearseStack(stack, options);
        } finally {
          release();
        }
      })(),
    ]),
  );
  const results: StackRehearsal[] = [];
  for (const stack of stacks) {
    const r = await pending.get(stack)!;
    onStack(r);
    results.push(r);
  }
  return results;
}
