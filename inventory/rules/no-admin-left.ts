// Forbids a members file in which nobody holds an admin role (SSH with sudo on every VM): removing the last
// admin would leave the organisation with only the bootstrap key.
import { isAdminRole } from '../roles.schema.ts';
import { inventoryRule } from './rule.ts';

export const noAdminLeft = inventoryRule('no-admin-left', (inventory) => {
  if (inventory.members.length === 0 && inventory.roles.length === 0) return [];
  const admin = new Set(inventory.roles.filter(isAdminRole).map((r) => r.name));
  if (inventory.members.some((m) => m.roles.some((r) => admin.has(r)))) return [];
  const roles = [...admin];
  return [
    {
      severity: 'error',
      file: 'members',
      path: ['members'],
      message: `no member holds an admin role (${roles.length > 0 ? roles.join(', ') : 'a role with "ssh: all" and "sudo: true"'}): the last admin cannot be removed; expected at least one`,
      key: true,
    },
  ];
});
