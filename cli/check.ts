// `npm run check`: validates the inventory, prints every error and warning, exits 1 on any error.
import { loadInventory } from '../inventory/inventory.ts';
import { commonOptions } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2));
const result = loadInventory(options.inventory);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ errors: result.errors, warnings: result.warnings }, null, 2)}\n`);
} else {
  printFindings(result, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`${inventorySummary(result)}\n`);
}
process.exitCode = result.errors.length > 0 ? 1 : 0;
