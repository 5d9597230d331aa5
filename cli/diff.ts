// `npm run diff -- --base REF`: resource-level diff of the synthesized output between REF and the working tree.
import { writeFileSync } from 'node:fs';
import { loadInventory } from '../model/load.ts';
import { diffSynthOutputs } from '../review/diff.ts';
import { renderMarkdown, renderText } from '../review/diff-render.ts';
import { renderSummary } from '../review/diff-summary.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import { CommandError, withBothSynthesized } from '../review/worktree.ts';
import { type ProtectedResource, protectedResources } from '../stacks/naming.ts';
import { commonOptions } from './args.ts';

const USAGE =
  'usage: npm run diff -- --base REF [--format markdown|summary|text] [--full FILE] [--fail-on-destroy] [--inventory DIR] [--json] [--synth-command CMD]';

const options = commonOptions(process.argv.slice(2), {
  name: 'diff',
  summary:
    'Resource-level diff of the synthesized output (stacks and artifacts) between REF and the working tree.',
  options: {
    base: { type: 'string', arg: 'REF', help: 'the commit to compare with (required)' },
    format: {
      type: 'string',
      default: 'text',
      arg: 'text|markdown|summary',
      help: 'terminal text, Markdown, or a per-stack summary for the PR comment',
    },
    'fail-on-destroy': {
      type: 'boolean',
      default: false,
      help: 'exit 1 when a protected resource is destroyed or replaced',
    },
    'synth-command': {
      type: 'string',
      arg: 'CMD',
      help: "how each side is synthesized (default: the repository's own synth)",
    },
    full: {
      type: 'string',
      arg: 'FILE',
      help: 'with --format summary: write the full Markdown diff to FILE',
    },
  },
  example: 'npm run diff -- --base origin/main --format markdown',
  exits: ['the diff was printed', 'a side failed to synthesize'],
  moreExits: [
    '2  also: --fail-on-destroy found a protected resource destroyed or replaced (the diff is printed)',
  ],
});
const base = options.values.base;
const format = options.values.format;
const full = options.values.full;
if (typeof base !== 'string' || !['text', 'markdown', 'summary'].includes(String(format))) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const synthCommand = options.values['synth-command'];

/** Protected VMs from an inventory; a side whose inventory does not load still has `prevent_destroy`. */
function protectedFrom(dir: string, side: string): ProtectedResource[] {
  const result = loadInventory(dir);
  if (result.inventory) return protectedResources(result.inventory);
  process.stderr.write(
    `diff: the inventory of ${side} does not load with this checkout's schema; protection there comes from prevent_destroy only\n`,
  );
  return [];
}

try {
  const exitCode = await withBothSynthesized(
    {
      cwd: process.cwd(),
      base,
      inventory: options.inventory,
      ...(typeof synthCommand === 'string' ? { synthCommand } : {}),
      log: (line) => process.stderr.write(`diff: ${line}\n`),
    },
    (both) => {
      const report = diffSynthOutputs(readSynthOutput(both.base.out), readSynthOutput(both.head.out), {
        protectedResources: [
          ...protectedFrom(both.base.inventory, base),
          ...protectedFrom(both.head.inventory, 'the working tree'),
        ],
      });
      const note = both.baseHasNoSynth ? ' (the base has no synth: everything shows as new)' : '';
      const title = `${base} (${both.baseSha.slice(0, 7)}) → working tree${note}`;
      // The whole Markdown diff, kept as the build artifact next to the summary the comment shows.
      if (typeof full === 'string') writeFileSync(full, renderMarkdown(report, { title }));
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (format === 'markdown') process.stdout.write(renderMarkdown(report, { title }));
      else if (format === 'summary')
        process.stdout.write(
          renderSummary(report, {
            title,
            fullDiff: typeof full === 'string' ? full : 'npm run diff -- --format markdown',
          }),
        );
      else process.stdout.write(renderText(report, { title }));
      return options.values['fail-on-destroy'] === true && report.protectedDestroys.length > 0 ? 2 : 0;
    },
  );
  process.exitCode = exitCode;
} catch (err) {
  if (!(err instanceof CommandError)) throw err;
  process.stderr.write(`diff: ${err.message}\n`);
  process.exitCode = 1;
}
