// Forbids two members with one login: accounts, Proxmox users and forge teams are keyed by it.
import type { MemberRule } from './types.ts';

export const duplicateMember: MemberRule = (inventory) => {
  const first = new Map<string, number>();
  return inventory.members.flatMap((member, i) => {
    const seen = first.get(member.user);
    if (seen === undefined) {
      first.set(member.user, i);
      return [];
    }
    return [
      {
        severity: 'error' as const,
        file: 'members' as const,
        path: ['members', i, 'user'],
        message: `user "${member.user}" is defined twice (first at members[${seen}]); expected one entry per person`,
      },
    ];
  });
};
