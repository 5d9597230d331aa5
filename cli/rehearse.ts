// `npm run rehearse`: synthesizes, then deploys every stack with the real terraform against the simulator, and plans again.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory } from '../model/load.ts';
import { pinnedSchemaFiles } from '../providers/simulator/pinned.ts';
import { describeStack, rehearseAll, summaryLine } from '../providers/simulator/rehearse.ts';
import { findTerraform, terraformMissing } from '../providers/simulator/terraform.ts';
import { deployOrder } from '../review/stack-order.ts';
import { BackendConfigError } from '../stacks/backend-error.ts';
import { synthesize } from '../stacks/synth.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'rehearse',
  summary:
    'Synthesizes, then runs the real terraform init, validate, plan, apply and a second plan of every stack against the simulator, in a temp dir.',
  options: {
    keep: {
      type: 'boolean',
      default: false,
      help: 'keep the temp dir (synth output, state, world) and print where',
    },
    world: { type: 'string', arg: 'FILE', help: 'the simulated world file (default: one in the temp dir)' },
  },
  example: 'npm run rehearse -- --inventory test/fixtures/org',
  exits: [
    'every stack applied and planned clean',
    'a stack failed (the step and reason are printed), or no terraform',
  ],
});
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const started = performance.now();

const missing = terraformMissing();
if (missing) {
  out(`rehearse: skipped: ${missing}`);
  process.exit(0);
}
const terraform = findTerraform()!;

const loaded = loadInventory(options.inventory);
if (!loaded.model) {
  printFindings(loaded, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(loaded)}; nothing rehearsed\n`);
  process.exit(1);
}

// Everything (synth output, local state, the simulated world) lives in a temp dir, so a rehearsal never
// touches cdktf.out or a developer's state; INFRA_BACKEND=pg or s3 puts state where it says instead.
const work = mkdtempSync(join(tmpdir(), 'rehearse-'));
const synthDir = join(work, 'cdktf.out');
const env = { ...process.env, INFRA_BACKEND: process.env.INFRA_BACKEND ?? 'local' };
try {
  await synthesize(loaded.model, synthDir, env);
} catch (err) {
  if (!(err instanceof BackendConfigError)) throw err;
  process.stderr.write(`${err.message}; nothing rehearsed\n`);
  process.exit(1);
}

const stacks = deployOrder(loaded.inventory!, readdirSync(join(synthDir, 'stacks')).sort());
const results = await rehearseAll(
  {
    synthDir,
    stacks,
    terraform,
    schemaFiles: pinnedSchemaFiles(),
    worldFile: resolve(
      typeof options.values.world === 'string' ? options.values.world : join(work, 'world.json'),
    ),
    inventory: options.inventory,
    // Terraform's pg backend takes its advisory lock by the state's row id, which is 1 in every stack's
    // schema: two stacks in one database lock each other out, so with pg they go one at a time.
    parallel: env.INFRA_BACKEND === 'pg' ? 1 : 2,
    env: { INFRA_BACKEND: env.INFRA_BACKEND },
  },
  (r) => {
    out(describeStack(r));
    if (r.detail) for (const line of r.detail.split('\n')) out(`    ${line}`);
  },
);
if (options.values.keep) out(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
out(`took ${((performance.now() - started) / 1000).toFixed(1)} s with ${terraform}`);
out(summaryLine(results));
process.exitCode = results.length > 0 && results.every((r) => r.ok) ? 0 : 1;
