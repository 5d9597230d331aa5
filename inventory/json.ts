// The inventory as JSON for another process (the synth's children): what plain JSON cannot hold is tagged and
// read back, the value types' bigints (a prefix's network address) as {"$bigint": "..."} and maps (the borg
// clients' public keys) as {"$map": [[key, value], ...]}.
import type { Inventory } from './inventory.ts';

const BIGINT = '$bigint';
const MAP = '$map';

export function inventoryToJson(inventory: Inventory): string {
  return taggedJson(inventory);
}

/** Any value of the model (a VM's facts carry prefixes) as JSON that `inventoryReviver` reads back. */
export function taggedJson(data: unknown): string {
  return JSON.stringify(data, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { [BIGINT]: value.toString() };
    if (value instanceof Map) return { [MAP]: [...(value as Map<unknown, unknown>)] };
    return value;
  });
}

/** The `JSON.parse` reviver that reads back what `inventoryToJson` wrote, wherever it sits in the text. */
export function inventoryReviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.keys(value).length !== 1) return value;
  const record = value as Record<string, unknown>;
  if (typeof record[BIGINT] === 'string') return BigInt(record[BIGINT]);
  if (Array.isArray(record[MAP])) return new Map(record[MAP] as [unknown, unknown][]);
  return value;
}
