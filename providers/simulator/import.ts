// `terraform import` against the simulator: the import ids the real provider accepts, parsed by its pinned pattern.
import type { ResourceSemantics } from '../semantics.ts';
import { fillMessage } from './behaviour.ts';

export type ImportResult =
  { readonly object: Record<string, unknown> } | { readonly refused: string; readonly detail: string };

/**
 * The object an import id names. The pinned pattern's `id` group is the object's id (`pve1/120` names
 * VM 120); its other named groups are attributes the provider sets from the id (`node_name`).
 * A type without a pinned pattern takes its id as it is.
 */
export function importObject(
  type: string,
  given: string,
  objects: Readonly<Record<string, Record<string, unknown>>>,
  semantics: ResourceSemantics | undefined,
): ImportResult {
  const spec = semantics?.import;
  const match = spec ? new RegExp(spec.pattern).exec(given) : null;
  if (spec && !match)
    return {
      refused: fillMessage(spec.message || `unexpected import id {value}`, 'id', given),
      detail: `${type} imports an id such as ${spec.example} (${spec.source})`,
    };
  const groups = match?.groups ?? {};
  const id = groups.id ?? given;
  const stored = objects[id];
  if (!stored)
    return {
      refused: `Cannot import ${type} ${given}`,
      detail: `the API holds no ${type} "${id}"`,
    };
  const fromId = Object.fromEntries(Object.entries(groups).filter(([k]) => k !== 'id'));
  return { object: { ...fromId, ...stored, id } };
}
