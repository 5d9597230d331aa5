// Loads the shipped example inventory once for the tests that build stacks from it.
import type { Inventory } from '../../inventory/inventory.ts';
import { loadInventory } from '../../inventory/inventory.ts';

let cached: Inventory | undefined;

export function exampleInventory(): Inventory {
  if (!cached) {
    const result = loadInventory('inventory');
    if (!result.inventory)
      throw new Error(`example inventory has errors:\n${result.errors.map((e) => e.message).join('\n')}`);
    cached = result.inventory;
  }
  return cached;
}
