// The list of system accounts no person may take (inventory/system-accounts.ts) holds every user and group
// of this machine's Debian base-passwd, the source it names.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASE_PASSWD, SYSTEM_ACCOUNTS } from '../inventory/system-accounts.ts';

const MASTER = ['/usr/share/base-passwd/passwd.master', '/usr/share/base-passwd/group.master'];
const missing = MASTER.filter((f) => !existsSync(f));
if (missing.length > 0) console.warn(`skipping the base-passwd comparison: ${missing.join(', ')} missing`);

describe('system accounts', () => {
  it.skipIf(missing.length > 0)('lists exactly the users and groups of Debian base-passwd', () => {
    const names = MASTER.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.includes(':'))
        .map((l) => l.split(':')[0]!),
    );
    expect([...new Set(BASE_PASSWD)].sort()).toEqual([...new Set(names)].sort());
  });

  it('names the accounts the catalog packages create and the baseline', () => {
    for (const name of ['www-data', 'postgres', 'borg', 'prosody', 'turnserver', 'list', 'root', 'nobody'])
      expect(SYSTEM_ACCOUNTS.has(name), name).toBe(true);
  });
});
