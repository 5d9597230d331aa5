// The inventory's rules, in the order they run; readInventory (inventory/inventory.ts) runs them all.
// A new rule is a new file in this folder, named after what it forbids, and one line here.
import { crossReferences } from '../crosscheck.ts';
import { nPlusOneBroken } from './n-plus-one-broken.ts';
import { nodeOverCapacity } from './node-over-capacity.ts';
import type { Rule } from './rule.ts';
import { uniqueNames } from './unique-names.ts';
import { vmNameTakenByStack } from './vm-name-taken-by-stack.ts';

// reboot-turns-clash runs later, with the catalog's rules, once every reference resolves (model/load.ts).
export const INVENTORY_RULES: readonly Rule[] = [
  uniqueNames,
  crossReferences,
  nodeOverCapacity,
  nPlusOneBroken,
  vmNameTakenByStack,
];
