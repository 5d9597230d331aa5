// The one entry that validates an organisation: the inventory's own rules (inventory/rules/), then, on the
// model derived from it, the rules that need every reference resolved (model/rules/: the service catalog's,
// the reboot turns, the zones). It lives above inventory/ and services/ so that inventory/ never imports
// services/ (see LAYERS in test/helpers/layers.ts).
import { sortFindings } from '../inventory/findings.ts';
import { type LoadOptions, type LoadResult, readInventory, ruleContext } from '../inventory/inventory.ts';
import { runRules } from '../inventory/rules/rule.ts';
import { catalogSize } from '../services/sizes.ts';
import { deriveModel, type Model } from './derive.ts';
import { MODEL_RULES } from './rules/index.ts';

/** What loading gives: the findings, and the inventory with the model the rules checked when nothing is an error. */
export interface ModelLoadResult extends LoadResult {
  /** Present only when there are no errors: derived once, the model every renderer then takes. */
  readonly model?: Model;
}

/** Loads and validates the inventory in `dir`; `inventory` and `model` are present only when nothing is an error. */
export function loadInventory(dir: string, options: LoadOptions = {}): ModelLoadResult {
  // A VM that leaves out cores or memory gets the catalog's size of what it runs (services/sizes.ts).
  const read = readInventory(dir, { sizes: catalogSize, ...options });
  if (!read.inventory) return read;
  const model = deriveModel(read.inventory);
  const findings = runRules(MODEL_RULES, model, ruleContext(read.sources, options), read.sources);
  const errors = findings.filter((f) => f.severity === 'error');
  const warnings = [...read.warnings, ...findings.filter((f) => f.severity === 'warning')];
  const sorted = { errors: sortFindings(errors), warnings: sortFindings(warnings), sources: read.sources };
  return errors.length > 0 ? sorted : { inventory: read.inventory, model, ...sorted };
}
