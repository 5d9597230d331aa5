// Forbids two members with one login: accounts, Proxmox users and forge teams are keyed by it.
import { inventoryRule, reporter } from './rule.ts';
import { duplicatesBy } from './unique-names.ts';

export const duplicateMember = inventoryRule('duplicate-member', (inventory) => {
  const report = reporter();
  for (const d of duplicatesBy(inventory.members, (member) => member.user))
    report.error(
      'members',
      ['members', d.index, 'user'],
      `user "${d.name}" is defined twice (first at members[${d.first}]); expected one entry per person`,
    );
  return report.findings;
});
