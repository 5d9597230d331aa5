// The one entry that validates an organisation: the inventory's own checks, then the service catalog's.
// It lives above both layers so that inventory/ never imports services/ (see the layout table in README.md).
import { type Finding, sortFindings } from '../inventory/findings.ts';
import { type LoadResult, readInventory } from '../inventory/inventory.ts';
import { catalogCheck } from '../services/check.ts';

/** Loads and validates the inventory in `dir`; `inventory` is present only when nothing is an error. */
export function loadInventory(dir: string): LoadResult {
  const read = readInventory(dir);
  if (!read.inventory) return read;
  const errors: Finding[] = [];
  const warnings: Finding[] = [...read.warnings];
  // Kinds, parameters, dependencies, ports, proxies, public names, sources, reboot turns (services/check.ts).
  for (const f of catalogCheck(read.inventory, read.sources))
    (f.severity === 'error' ? errors : warnings).push(f);
  const sorted = { errors: sortFindings(errors), warnings: sortFindings(warnings), sources: read.sources };
  return errors.length > 0 ? sorted : { inventory: read.inventory, ...sorted };
}
