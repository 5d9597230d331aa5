// Terraform's wire values (msgpack DynamicValue with cty's unknown extension) to and from plain JS values.
import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';

/** The one value that stands for "known only after apply". */
export class Unknown {
  private readonly unknown = true;
}
export const UNKNOWN = new Unknown();

export type Value = null | boolean | number | bigint | string | Unknown | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

export const isObjectValue = (v: unknown): v is ObjectValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);

// cty writes an unknown as extension 0; Terraform 1.11 also sends refined unknowns (a known prefix,
// bounds, not-null) as extension 12. The simulator does not use refinements, so both read as UNKNOWN.
const codec = new ExtensionCodec();
codec.register({
  type: 0,
  encode: (input: unknown) => (input instanceof Unknown ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

/**
 * Numbers beyond int64 or not exact in float64 arrive as decimal strings and stay strings: cty reads a
 * string back as the same number, where a JS float would round it and Terraform would see a change.
 */
export function decodeValue(bytes: Uint8Array | undefined | null): Value {
  if (!bytes || bytes.length === 0) return null;
  return normalize(decode(bytes, { extensionCodec: codec, useBigInt64: true }));
}

function normalize(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (v instanceof Unknown) return UNKNOWN;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) {
    const out: ObjectValue = {};
    for (const [k, item] of v) out[String(k)] = normalize(item);
    return out;
  }
  if (typeof v === 'object') {
    const out: ObjectValue = {};
    for (const [k, item] of Object.entries(v)) out[k] = normalize(item);
    return out;
  }
  throw new Error(`unexpected msgpack value of type ${typeof v}`);
}

export function encodeValue(v: Value): Uint8Array {
  return encode(v, { extensionCodec: codec, useBigInt64: true });
}

/** True when the value or anything inside it is unknown. */
export function hasUnknown(v: Value): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObjectValue(v)) return Object.values(v).some(hasUnknown);
  return false;
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i] ?? null));
  if (isObjectValue(a) && isObjectValue(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k] ?? null, b[k] ?? null));
  }
  // A decimal string and a number can be the same cty number.
  if ((typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number'))
    return Number(a) === Number(b);
  return false;
}

/** A JSON-safe copy with keys sorted, for the state file; unknowns must have been filled before. */
export function toJson(v: Value): unknown {
  if (v instanceof Unknown) throw new Error('an unknown value cannot be stored');
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toJson);
  if (isObjectValue(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = toJson(v[k] ?? null);
    return out;
  }
  return v;
}
