// Forbids a sponsor who is not another member: someone already trusted must vouch for every newcomer.
import { closest } from '../issues.ts';
import { inventoryRule } from './rule.ts';

export const sponsorNotMember = inventoryRule('sponsor-not-member', (inventory) => {
  const users = inventory.members.map((m) => m.user);
  return inventory.members.flatMap((member, i) => {
    const path = ['members', i, 'sponsor'];
    if (member.sponsor === member.user)
      return [
        {
          severity: 'error' as const,
          file: 'members' as const,
          path,
          message: `"${member.user}" sponsors themselves; expected another member who vouches for them`,
        },
      ];
    if (users.includes(member.sponsor)) return [];
    const guess = closest(member.sponsor, users);
    return [
      {
        severity: 'error' as const,
        file: 'members' as const,
        path,
        message: `sponsor "${member.sponsor}" is not a member; ${guess ? `did you mean "${guess}"?` : 'expected a current member who vouches for them (name another when a sponsor leaves)'}`,
      },
    ];
  });
});
