// Forbids two roles with one name: a member's role would be ambiguous.
import { inventoryRule, reporter } from './rule.ts';
import { definedTwice, duplicateNames } from './unique-names.ts';

export const duplicateRole = inventoryRule('duplicate-role', (inventory) => {
  const report = reporter();
  for (const d of duplicateNames(inventory.roles))
    report.error('roles', ['roles', d.index, 'name'], definedTwice('role', d.name, 'roles', d.first));
  return report.findings;
});
