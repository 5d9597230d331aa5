// Forbids two members with one forge login (`forge_user`, else `user`): a team membership is keyed by it, and
// the forge compares logins without regard to case.
import { inventoryRule, type RuleFinding } from './rule.ts';

export const forgeLoginUsedTwice = inventoryRule('forge-login-used-twice', (inventory) => {
  const findings: RuleFinding[] = [];
  const first = new Map<string, string>();
  inventory.members.forEach((member, i) => {
    const login = member.forge_user ?? member.user;
    const seen = first.get(login.toLowerCase());
    if (seen === undefined) {
      first.set(login.toLowerCase(), member.user);
      return;
    }
    if (seen === member.user) return; // a member defined twice is duplicate-member's finding
    findings.push({
      severity: 'error',
      file: 'members',
      path: ['members', i, member.forge_user !== undefined ? 'forge_user' : 'user'],
      message: `forge login "${login}" is also ${seen}'s; expected each member's own login (set forge_user)`,
    });
  });
  return findings;
});
