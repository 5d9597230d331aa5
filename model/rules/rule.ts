// The rules that need the derived model (the service catalog's, the reboot turns, the zones): the same
// shape as the inventory's rules (inventory/rules/rule.ts), with the model as their subject.
import { defineRule, type Rule } from '../../inventory/rules/rule.ts';
import type { Model } from '../derive.ts';

/** A rule of the derived model (the list: model/rules/index.ts). */
export type ModelRule = Rule<Model>;

/** Makes a model rule of `check`, named after its file. */
export const modelRule = (name: string, check: ModelRule['check']): ModelRule => defineRule(name, check);

/**
 * A zone rule: a model rule that runs only once the catalog's rules pass, since the records come from the
 * services they check.
 */
export const zoneRule = (name: string, check: ModelRule['check']): ModelRule =>
  defineRule(name, check, { whenClean: true });
