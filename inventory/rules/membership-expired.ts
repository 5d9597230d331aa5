// Forbids a member whose `until` has passed (the offboarding is due) and warns 30 days before it.
import { inventoryRule, type RuleFinding } from './rule.ts';

const DAY = 86_400_000;

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

export const membershipExpired = inventoryRule('membership-expired', (inventory, { today }) => {
  const findings: RuleFinding[] = [];
  inventory.members.forEach((member, i) => {
    const path = ['members', i, 'until'];
    if (member.until === undefined) return;
    const left = days(today, member.until);
    if (days(member.since, member.until) < 0)
      findings.push({
        severity: 'error',
        file: 'members',
        path,
        message: `${member.until} is before since (${member.since}); expected the last day of membership after it joined`,
      });
    else if (left < 0)
      findings.push({
        severity: 'error',
        file: 'members',
        path,
        message: `membership of "${member.user}" ended on ${member.until}: the offboarding is due; run \`npm run offboard -- --user ${member.user}\` (or extend until)`,
      });
    else if (left <= 30)
      findings.push({
        severity: 'warning',
        file: 'members',
        path,
        message: `membership of "${member.user}" ends on ${member.until}, in ${left} day${left === 1 ? '' : 's'}; extend until or plan the offboarding`,
      });
  });
  return findings;
});
