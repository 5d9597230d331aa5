// How the simulator plans a change: computed values unknown until apply, replacement where the real provider replaces.
import { pinnedSemantics, type ReplaceRule, type ResourceSemantics } from '../semantics.ts';
import { withDefaults } from './behaviour.ts';
import type { SchemaAttribute, SchemaBlock } from './schema.ts';
import { deepEqual, isObjectValue, type ObjectValue, UNKNOWN, type Value } from './values.ts';

/** One step of a protocol AttributePath. */
export type PathStep =
  { attribute_name: string } | { element_key_int: number } | { element_key_string: string };

const at = (v: Value, key: string): Value => (isObjectValue(v) ? (v[key] ?? null) : null);

/**
 * Unknown where the provider decides: a computed attribute the configuration leaves null. The
 * proposed value already carries the prior state's computed values on update, so only a create or a
 * replacement calls this.
 */
export function markComputedUnknown(block: SchemaBlock, proposed: Value, config: Value): Value {
  if (!isObjectValue(proposed)) return proposed;
  const out: ObjectValue = { ...proposed };
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    out[name] = attributeUnknowns(attribute, proposed[name] ?? null, at(config, name));
  }
  for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
    const value = proposed[name] ?? null;
    const configValue = at(config, name);
    if (Array.isArray(value)) {
      // Lists and sets of blocks: the configuration holds the same elements in the same order.
      out[name] = value.map((item, i) =>
        markComputedUnknown(
          blockType.block,
          item,
          Array.isArray(configValue) ? (configValue[i] ?? null) : null,
        ),
      );
    } else if (blockType.nesting_mode === 'map' && isObjectValue(value)) {
      const map: ObjectValue = {};
      for (const [k, item] of Object.entries(value))
        map[k] = markComputedUnknown(blockType.block, item, at(configValue, k));
      out[name] = map;
    } else {
      out[name] = markComputedUnknown(blockType.block, value, configValue);
    }
  }
  return out;
}

function attributeUnknowns(attribute: SchemaAttribute, value: Value, config: Value): Value {
  if (attribute.computed && config === null) return UNKNOWN;
  const nested = attribute.nested_type;
  if (!nested || value === null) return value;
  const block: SchemaBlock = { attributes: nested.attributes };
  if (nested.nesting_mode === 'single') return markComputedUnknown(block, value, config);
  if (Array.isArray(value))
    return value.map((item, i) =>
      markComputedUnknown(block, item, Array.isArray(config) ? (config[i] ?? null) : null),
    );
  if (isObjectValue(value)) {
    const map: ObjectValue = {};
    for (const [k, item] of Object.entries(value)) map[k] = markComputedUnknown(block, item, at(config, k));
    return map;
  }
  return value;
}

/** Every concrete path below `segments` (list indexes expanded) with the value found there. */
function valuesAt(value: Value, segments: readonly string[], path: PathStep[] = []): [PathStep[], Value][] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => valuesAt(item, segments, [...path, { element_key_int: i }]));
  const [head, ...rest] = segments;
  if (head === undefined) return [[path, value]];
  if (!isObjectValue(value))
    return [[[...path, { attribute_name: head }, ...rest.map((r) => ({ attribute_name: r }))], null]];
  return valuesAt(value[head] ?? null, rest, [...path, { attribute_name: head }]);
}

const pathKey = (path: readonly PathStep[]): string => JSON.stringify(path);

/**
 * The attributes whose change makes the real provider replace the resource: the rules of the pinned
 * semantics (providers/<name>/semantics.json), which the review's diff reads too.
 */
export function requiresReplace(
  type: string,
  prior: Value,
  planned: Value,
  rules: readonly ReplaceRule[] = pinnedSemantics()[type]?.replace ?? [],
): PathStep[][] {
  const out: PathStep[][] = [];
  for (const rule of rules) {
    if (rule.unlessMigrate && at(planned, 'migrate') === true) continue;
    const segments = rule.attribute.split('.');
    const before = new Map(valuesAt(prior, segments).map(([p, v]) => [pathKey(p), [p, v] as const]));
    const after = new Map(valuesAt(planned, segments).map(([p, v]) => [pathKey(p), [p, v] as const]));
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const b = before.get(key)?.[1] ?? null;
      const a = after.get(key)?.[1] ?? null;
      if (deepEqual(a, b)) continue;
      if (rule.onlyWhenChanged && (a === null || b === null)) continue;
      const path = (after.get(key) ?? before.get(key))?.[0];
      if (path) out.push(path);
    }
  }
  return out;
}

export interface PlanResult {
  readonly planned: Value;
  readonly requiresReplace: PathStep[][];
}

/**
 * PlanResourceChange: a create, an in-place update, a replacement or a destroy, with the provider's
 * defaults planned where the configuration leaves an attribute unset.
 */
export function planChange(
  type: string,
  block: SchemaBlock,
  prior: Value,
  proposed: Value,
  config: Value,
  semantics?: ResourceSemantics,
): PlanResult {
  if (!isObjectValue(proposed)) return { planned: null, requiresReplace: [] };
  const withDefault = withDefaults(semantics, block, proposed, config);
  // A new object: what the provider computes is unknown until apply, its defaults are known now.
  const fresh = (): Value =>
    withDefaults(semantics, block, markComputedUnknown(block, withDefault, config) as ObjectValue, config);
  if (prior === null) return { planned: fresh(), requiresReplace: [] };
  const replace = requiresReplace(type, prior, withDefault, semantics?.replace ?? []);
  if (replace.length === 0) return { planned: withDefault, requiresReplace: [] };
  return { planned: fresh(), requiresReplace: replace };
}
