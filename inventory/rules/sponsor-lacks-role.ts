// Forbids granting a role the sponsor does not hold: nobody vouches for more access than they have.
import { inventoryRule } from './rule.ts';

export const sponsorLacksRole = inventoryRule('sponsor-lacks-role', (inventory) => {
  const byUser = new Map(inventory.members.map((m) => [m.user, m]));
  // An unknown role is unknown-role's finding; granting it is not this rule's business.
  const known = new Set(inventory.roles.map((r) => r.name));
  return inventory.members.flatMap((member, i) => {
    const sponsor = byUser.get(member.sponsor);
    if (!sponsor || sponsor.user === member.user) return [];
    return member.roles.flatMap((role, j) =>
      sponsor.roles.includes(role) || !known.has(role)
        ? []
        : [
            {
              severity: 'error' as const,
              file: 'members' as const,
              path: ['members', i, 'roles', j],
              message: `role "${role}" is granted with sponsor "${sponsor.user}", who does not hold it (${sponsor.user} holds ${sponsor.roles.join(', ')}); expected a sponsor with role "${role}"`,
            },
          ],
    );
  });
});
