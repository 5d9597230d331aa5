// `npm run check`: validates the inventory, prints every error and warning, exits 1 on any error.
import { loadInventory } from '../model/load.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'check',
  summary: 'Validates the inventory and prints every error and warning, located as FILE:LINE:COL.',
  options: {
    timing: {
      type: 'boolean',
      default: false,
      help: 'print the work time without start-up on stderr (for npm run bench)',
    },
  },
  example: 'npm run check -- --inventory test/fixtures/org',
  exits: ['the inventory is valid (warnings allowed)', 'the inventory has errors'],
});
const started = performance.now();
const result = loadInventory(options.inventory);
// --timing: the work itself, without Node's start-up, for `npm run bench`.
if (options.values.timing) process.stderr.write(`work-ms ${(performance.now() - started).toFixed(1)}\n`);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ errors: result.errors, warnings: result.warnings }, null, 2)}\n`);
} else {
  printFindings(result, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${inventorySummary(result)}\n`);
}
process.exitCode = result.errors.length > 0 ? 1 : 0;
