// Child process of `synthesize` for large inventories: synthesizes the clusters it is given, then exits.
// Usage: synth-child.ts INVENTORY.json APPS-DIR CLUSTER...
import { readFileSync } from 'node:fs';
import type { Inventory } from '../inventory/inventory.ts';
import { inventoryReviver } from '../inventory/json.ts';
import { deriveModel } from '../model/derive.ts';
import { synthClusters } from './app.ts';

const [inventoryFile, apps, ...clusters] = process.argv.slice(2);
if (!inventoryFile || !apps) {
  process.stderr.write('usage: synth-child.ts INVENTORY.json APPS-DIR CLUSTER...\n');
  process.exit(2);
}
// The inventory was validated by the parent and written as plain JSON with the cloud-configs it rendered.
const input = JSON.parse(readFileSync(inventoryFile, 'utf8'), inventoryReviver) as {
  inventory: Inventory;
  cloudConfigs: Record<string, string>;
};
// See synthesize(): cdktf's per-token stack traces are expensive through source maps.
process.setSourceMapsEnabled(false);
// This process's one derivation of the model: the parent's holds references a JSON copy cannot keep.
const model = deriveModel(input.inventory);
synthClusters(model, new Map(Object.entries(input.cloudConfigs)), clusters, apps, process.env);
