// Forbids two roles with one name: a member's role would be ambiguous.
import type { MemberRule } from './types.ts';

export const duplicateRole: MemberRule = (inventory) => {
  const first = new Map<string, number>();
  return inventory.roles.flatMap((role, i) => {
    const seen = first.get(role.name);
    if (seen === undefined) {
      first.set(role.name, i);
      return [];
    }
    return [
      {
        severity: 'error' as const,
        file: 'roles' as const,
        path: ['roles', i, 'name'],
        message: `role "${role.name}" is defined twice (first at roles[${seen}]); expected unique names`,
      },
    ];
  });
};
