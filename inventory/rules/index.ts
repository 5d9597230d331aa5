// The inventory's rules, in the order they run; readInventory (inventory/inventory.ts) runs them all.
// A new rule is a new file in this folder, named after what it forbids, and one line here.
import { crossReferences } from '../crosscheck.ts';
import { duplicateMember } from './duplicate-member.ts';
import { duplicateRole } from './duplicate-role.ts';
import { keyUsedTwice } from './key-used-twice.ts';
import { membershipExpired } from './membership-expired.ts';
import { nPlusOneBroken } from './n-plus-one-broken.ts';
import { noAdminLeft } from './no-admin-left.ts';
import { nodeOverCapacity } from './node-over-capacity.ts';
import { proxmoxPathMatchesNothing } from './proxmox-path-matches-nothing.ts';
import { reservedUser } from './reserved-user.ts';
import type { Rule } from './rule.ts';
import { sponsorLacksRole } from './sponsor-lacks-role.ts';
import { sponsorNotMember } from './sponsor-not-member.ts';
import { sshSelectorMatchesNothing } from './ssh-selector-matches-nothing.ts';
import type { MemberRule } from './types.ts';
import { uniqueNames } from './unique-names.ts';
import { unknownRole } from './unknown-role.ts';
import { vmNameTakenByStack } from './vm-name-taken-by-stack.ts';

export type { MemberRule, RuleContext, RuleFinding } from './types.ts';

// reboot-turns-clash runs later, with the catalog's rules, once every reference resolves (model/load.ts).
export const INVENTORY_RULES: readonly Rule[] = [
  uniqueNames,
  crossReferences,
  nodeOverCapacity,
  nPlusOneBroken,
  vmNameTakenByStack,
];

// Who may do what: the member and role rules, in the order their findings are easiest to read. They run
// right after INVENTORY_RULES (readInventory), with the day membership expiry is judged against.
export const memberRules: readonly MemberRule[] = [
  duplicateMember,
  duplicateRole,
  reservedUser,
  unknownRole,
  sshSelectorMatchesNothing,
  proxmoxPathMatchesNothing,
  keyUsedTwice,
  sponsorNotMember,
  sponsorLacksRole,
  membershipExpired,
  noAdminLeft,
];
