// Child process of `synthesize` for large inventories: synthesizes the clusters it is given, then exits.
// Usage: synth-child.ts INVENTORY.json APPS-DIR CLUSTER...
import { readFileSync } from 'node:fs';
import type { Inventory } from '../inventory/inventory.ts';
import { synthClusters } from './app.ts';

const [inventoryFile, apps, ...clusters] = process.argv.slice(2);
if (!inventoryFile || !apps) {
  process.stderr.write('usage: synth-child.ts INVENTORY.json APPS-DIR CLUSTER...\n');
  process.exit(2);
}
// The inventory was validated by the parent and written as plain JSON.
const inventory = JSON.parse(readFileSync(inventoryFile, 'utf8')) as Inventory;
// See synthesize(): cdktf's per-token stack traces are expensive through source maps.
process.setSourceMapsEnabled(false);
synthClusters(inventory, clusters, apps, process.env);
