// The synth both entry points run, `npm run synth` (cli/synth.ts) and `cdktf synth|plan|deploy` (main.ts):
// load, derive and check the model once (model/load.ts), then stacks/synth.ts builds every stack and artifact from it
// aside and swaps them in.
import type { Model } from '../model/derive.ts';
import { loadInventory, type ModelLoadResult } from '../model/load.ts';
import { type MonitoringModel, monitoringModel } from '../monitoring/model.ts';
import { BackendConfigError } from '../stacks/backend-error.ts';
import { type StackChild, startStackChild } from '../stacks/stack-child.ts';
import { type StackSummary, synthesize } from '../stacks/synth.ts';
import { inventorySummary, printFindings } from './report.ts';

export interface SynthRun {
  readonly result: ModelLoadResult;
  /** The model every stack and artifact was rendered from. */
  readonly model: Model;
  /** What the monitoring watches (artifacts/icinga2/), for the summary's counts. */
  readonly monitoring: MonitoringModel;
  readonly summaries: readonly StackSummary[];
}

/**
 * Validates the inventory in `dir` and synthesizes it into `outdir`. On bad input or a bad backend setting
 * it prints why on stderr, writes nothing and exits 1.
 */
export async function synthOrExit(
  dir: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  // Started first, the stacks' child loads cdktf while this process reads the inventory; it synthesizes the
  // stacks while this one renders the artifacts. cli/synth.ts starts it before loading this module at all.
  stackChild: StackChild = startStackChild(env),
): Promise<SynthRun> {
  const result = loadInventory(dir);
  if (!result.model) {
    stackChild.close();
    printFindings(result, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`${inventorySummary(result)}; nothing written\n`);
    process.exit(1);
  }
  try {
    const { model } = result;
    const monitoring = monitoringModel(model);
    const summaries = await synthesize(model, outdir, env, { stackChild, monitoring });
    return { result, model, monitoring, summaries };
  } catch (err) {
    stackChild.close();
    if (!(err instanceof BackendConfigError)) throw err;
    process.stderr.write(`${err.message}; nothing written\n`);
    process.exit(1);
  }
}
