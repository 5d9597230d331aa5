// The one entry that validates an organisation: the inventory's own rules, then the rules that need every
// reference resolved (the service catalog's, the reboot turns). It lives above inventory/ and services/ so
// that inventory/ never imports services/ (see LAYERS in test/helpers/layers.ts).
import { type Finding, sortFindings } from '../inventory/findings.ts';
import { type LoadOptions, type LoadResult, readInventory } from '../inventory/inventory.ts';
import { dnsCheck } from '../dns/check.ts';
import { rebootTurnsClash } from '../inventory/rules/reboot-turns-clash.ts';
import { deriveServices } from '../services/instances.ts';
import { CATALOG_RULES } from '../services/rules/index.ts';
import type { CatalogRule } from '../services/rules/rule.ts';

/** Kinds, parameters, dependencies, ports, proxies, public names, sources (services/rules/), reboot turns. */
export const RESOLVED_RULES: readonly CatalogRule[] = [...CATALOG_RULES, rebootTurnsClash];

/** Loads and validates the inventory in `dir`; `inventory` is present only when nothing is an error. */
export function loadInventory(dir: string, options: LoadOptions = {}): LoadResult {
  const read = readInventory(dir, options);
  if (!read.inventory) return read;
  const errors: Finding[] = [];
  const warnings: Finding[] = [...read.warnings];
  // The rules' own derivation of the services (the renderers get theirs from model/derive.ts).
  const services = deriveServices(read.inventory);
  for (const rule of RESOLVED_RULES)
    for (const f of rule({ inventory: read.inventory, sources: read.sources, services }))
      (f.severity === 'error' ? errors : warnings).push(f);
  // The zone rules (dns/rules/): only on an organisation whose services check out, since the records come from them.
  if (errors.length === 0)
    for (const f of dnsCheck(read.inventory, read.sources, services))
      (f.severity === 'error' ? errors : warnings).push(f);
  const sorted = { errors: sortFindings(errors), warnings: sortFindings(warnings), sources: read.sources };
  return errors.length > 0 ? sorted : { inventory: read.inventory, ...sorted };
}
