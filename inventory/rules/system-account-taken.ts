// Forbids a member login, bootstrap admin or monitoring user named after an account Debian or a service's
// package creates: the person's account would take it over (its home, its groups, its sudo).
import type { Path } from '../findings.ts';
import { SYSTEM_ACCOUNTS } from '../system-accounts.ts';
import type { InventoryFile } from './rule.ts';
import { inventoryRule, type RuleFinding } from './rule.ts';

interface Login {
  readonly file: InventoryFile;
  readonly path: Path;
  readonly user: string;
  readonly who: string;
}

export const systemAccountTaken = inventoryRule('system-account-taken', (inventory) => {
  const { org } = inventory;
  const logins: Login[] = [
    { file: 'org', path: ['admin', 'user'], user: org.admin.user, who: 'the bootstrap admin' },
    ...(org.monitoring
      ? [
          {
            file: 'org',
            path: ['monitoring', 'user'],
            user: org.monitoring.user,
            who: 'the monitoring user',
          } as const,
        ]
      : []),
    ...inventory.members.map((m, i): Login => ({
      file: 'members',
      path: ['members', i, 'user'],
      user: m.user,
      who: 'a member login',
    })),
  ];
  const findings: RuleFinding[] = [];
  for (const { file, path, user, who } of logins) {
    const what = SYSTEM_ACCOUNTS.get(user);
    if (what)
      findings.push({
        severity: 'error',
        file,
        path,
        message: `"${user}" is ${what}; as ${who} it would take over that account on every VM; expected a name no system account has`,
      });
  }
  return findings;
});
