// `npm run check`: validates the inventory and the secrets store, prints every error and warning, exits 1 on any error.
import { sortFindings } from '../inventory/findings.ts';
import type { LoadResult } from '../inventory/inventory.ts';
import { storeContext, storeFindings } from '../members/secrets-ops.ts';
import { defaultStore } from '../members/secrets-store.ts';
import { loadInventory, type ModelLoadResult } from '../model/load.ts';
import { commonOptions, STORE_OPTIONS } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'check',
  summary:
    'Validates the inventory and the secrets store and prints every error and warning, located as FILE:LINE:COL.',
  options: {
    timing: {
      type: 'boolean',
      default: false,
      help: 'print the work time without start-up on stderr (for npm run bench)',
    },
    store: STORE_OPTIONS.store!,
  },
  example: 'npm run check -- --inventory test/fixtures/org',
  exits: ['the inventory is valid (warnings allowed)', 'the inventory has errors'],
});
const started = performance.now();
const result = withStore(loadInventory(options.inventory));
// --timing: the work itself, without Node's start-up, for `npm run bench`.
if (options.values.timing) process.stderr.write(`work-ms ${(performance.now() - started).toFixed(1)}\n`);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ errors: result.errors, warnings: result.warnings }, null, 2)}\n`);
} else {
  printFindings(result, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${inventorySummary(result)}\n`);
}
process.exitCode = result.errors.length > 0 ? 1 : 0;

/** The store's findings on top (docs/secrets.md): only for an organisation with a deploy identity. */
function withStore(loaded: ModelLoadResult): LoadResult {
  if (!loaded.model?.inventory.org.secrets) return loaded;
  const store = String(options.values.store ?? defaultStore(options.inventory));
  const found = storeFindings(storeContext(loaded.model, store));
  const errors = found.filter((f) => f.severity === 'error');
  const warnings = found.filter((f) => f.severity === 'warning');
  const sorted = {
    errors: sortFindings([...loaded.errors, ...errors]),
    warnings: sortFindings([...loaded.warnings, ...warnings]),
    sources: loaded.sources,
  };
  return errors.length > 0 ? sorted : { ...sorted, inventory: loaded.model.inventory };
}
