// Forbids a member login that is already an account or group the baseline creates on every VM (or root).
import type { MemberRule } from './types.ts';

/** Accounts and groups of Debian and of the baseline that a member account must not take over. */
const SYSTEM = [
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'nobody',
  'sshd',
  'sudo',
  'member-keys',
  'members',
  'debian',
];

export const reservedUser: MemberRule = (inventory) => {
  const { org } = inventory;
  const reserved = new Map<string, string>(SYSTEM.map((n) => [n, 'a system account or group']));
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
};
