// Forbids a member's role that roles.yaml does not define.
import { closest } from '../issues.ts';
import { inventoryRule } from './rule.ts';

export const unknownRole = inventoryRule('unknown-role', (inventory) => {
  const known = inventory.roles.map((r) => r.name);
  return inventory.members.flatMap((member, i) =>
    member.roles.flatMap((role, j) => {
      if (known.includes(role)) return [];
      const guess = closest(role, known);
      const hint = guess
        ? `did you mean "${guess}"?`
        : `expected one of: ${known.join(', ') || '(roles.yaml defines none)'}`;
      return [
        {
          severity: 'error' as const,
          file: 'members' as const,
          path: ['members', i, 'roles', j],
          message: `role "${role}" is not in roles.yaml; ${hint}`,
        },
      ];
    }),
  );
});
