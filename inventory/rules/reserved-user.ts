// Forbids a member login that is org.yaml's bootstrap admin, admin group or monitoring user (system accounts
// are system-account-taken's).
import { inventoryRule } from './rule.ts';

export const reservedUser = inventoryRule('reserved-user', (inventory) => {
  const { org } = inventory;
  const reserved = new Map<string, string>();
  reserved.set(org.admin.user, 'the bootstrap admin of org.yaml');
  reserved.set(org.admin.group, 'the admin group of org.yaml');
  if (org.monitoring) reserved.set(org.monitoring.user, 'the monitoring user of org.yaml');
  return inventory.members.flatMap((member, i) => {
    const what = reserved.get(member.user);
    return what
      ? [
          {
            severity: 'error' as const,
            file: 'members' as const,
            path: ['members', i, 'user'],
            message: `"${member.user}" is ${what}; expected a personal login`,
          },
        ]
      : [];
  });
});
