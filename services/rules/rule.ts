// What a rule of the service catalog sees: the read inventory and its files, and the services' model
// (instances, addresses, proxies) that model/load.ts derives once for all of these rules.
import type { Finding } from '../../inventory/findings.ts';
import type { RuleInput } from '../../inventory/rules/rule.ts';
import type { ServiceModel } from '../instances.ts';

export interface CatalogRuleInput extends RuleInput {
  readonly services: ServiceModel;
}

/** An inventory rule (`Rule`) is a catalog rule too: it just does not look at `services`. */
export type CatalogRule = (input: CatalogRuleInput) => Finding[];
