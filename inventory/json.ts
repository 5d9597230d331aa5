// The inventory as JSON for another process (the synth's children): the value types' bigints (a prefix's
// network address) are written as {"$bigint": "..."} and read back, which plain JSON cannot do.
import type { Inventory } from './inventory.ts';

const TAG = '$bigint';

export function inventoryToJson(inventory: Inventory): string {
  return JSON.stringify(inventory, (_key, value: unknown) =>
    typeof value === 'bigint' ? { [TAG]: value.toString() } : value,
  );
}

/** The `JSON.parse` reviver that reads back what `inventoryToJson` wrote, wherever it sits in the text. */
export function inventoryReviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const tagged = (value as Record<string, unknown>)[TAG];
  return typeof tagged === 'string' && Object.keys(value).length === 1 ? BigInt(tagged) : value;
}
