// The one entry that loads an organisation: read the YAML and check each file's schema and the rules that
// need only the inventory (inventory/inventory.ts), derive the model once (model/derive.ts), then run the
// rules that need derived data on that model: the service catalog's, the reboot turns, the zones. It lives
// above inventory/ and services/ so that inventory/ never imports services/ (see LAYERS in test/helpers/layers.ts).
import { type Finding, sortFindings } from '../inventory/findings.ts';
import { type LoadOptions, type LoadResult, readInventory } from '../inventory/inventory.ts';
import { dnsCheck } from '../dns/check.ts';
import { rebootTurnsClash, type RebootRuleInput } from '../inventory/rules/reboot-turns-clash.ts';
import { CATALOG_RULES } from '../services/rules/index.ts';
import { catalogSize } from '../services/sizes.ts';
import type { CatalogRuleInput } from '../services/rules/rule.ts';
import { deriveModel, type Model } from './derive.ts';

/** What a rule on the derived model sees: the inventory, its files, the services and the reboot turns. */
export type ModelRuleInput = CatalogRuleInput & RebootRuleInput;

/** Kinds, parameters, dependencies, ports, proxies, public names, sources (services/rules/), reboot turns. */
export const RESOLVED_RULES: readonly ((input: ModelRuleInput) => Finding[])[] = [
  ...CATALOG_RULES,
  rebootTurnsClash,
];

export interface ModelLoadResult extends LoadResult {
  /** The model derived from `inventory`; present exactly when `inventory` is (nothing is an error). */
  readonly model?: Model;
}

/** Loads and checks the inventory in `dir`; `inventory` and its `model` are present only when nothing is an error. */
export function loadInventory(dir: string, options: LoadOptions = {}): ModelLoadResult {
  // A VM that leaves out cores or memory gets the catalog's size of what it runs (services/sizes.ts).
  const read = readInventory(dir, { sizes: catalogSize, ...options });
  if (!read.inventory) return read;
  const errors: Finding[] = [];
  const warnings: Finding[] = [...read.warnings];
  const model = deriveModel(read.inventory);
  const input: ModelRuleInput = {
    inventory: model.inventory,
    sources: read.sources,
    services: model.services,
    rebootProblems: model.rebootProblems,
  };
  for (const rule of RESOLVED_RULES)
    for (const f of rule(input)) (f.severity === 'error' ? errors : warnings).push(f);
  // The zone rules (dns/rules/): only on an organisation whose services check out, since the records come from them.
  if (errors.length === 0)
    for (const f of dnsCheck(model.dns, read.sources)) (f.severity === 'error' ? errors : warnings).push(f);
  const sorted = { errors: sortFindings(errors), warnings: sortFindings(warnings), sources: read.sources };
  return errors.length > 0 ? sorted : { inventory: model.inventory, model, ...sorted };
}
