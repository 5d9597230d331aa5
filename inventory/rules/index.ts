// The member and role rules `npm run check` runs, in the order their findings are easiest to read.
import { duplicateMember } from './duplicate-member.ts';
import { duplicateRole } from './duplicate-role.ts';
import { keyUsedTwice } from './key-used-twice.ts';
import { membershipExpired } from './membership-expired.ts';
import { noAdminLeft } from './no-admin-left.ts';
import { proxmoxPathMatchesNothing } from './proxmox-path-matches-nothing.ts';
import { reservedUser } from './reserved-user.ts';
import { sponsorLacksRole } from './sponsor-lacks-role.ts';
import { sponsorNotMember } from './sponsor-not-member.ts';
import { sshSelectorMatchesNothing } from './ssh-selector-matches-nothing.ts';
import type { Rule } from './types.ts';
import { unknownRole } from './unknown-role.ts';

export type { Rule, RuleContext, RuleFinding } from './types.ts';

export const memberRules: readonly Rule[] = [
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
