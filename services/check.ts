// Checks the inventory against the service catalog: the rules of services/rules/, one file each. Findings
// are located in the YAML like every other inventory finding.
import type { InventoryFile } from '../inventory/rules/rule.ts';
import type { Finding } from '../inventory/findings.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { SourceFile } from '../inventory/source.ts';
import { CATALOG_RULES } from './rules/index.ts';

/** Every catalog rule's findings; model/load.ts runs the same list next to the reboot turns. */
export function catalogCheck(inv: Inventory, sources: ReadonlyMap<InventoryFile, SourceFile>): Finding[] {
  return CATALOG_RULES.flatMap((rule) => rule({ inventory: inv, sources }));
}
