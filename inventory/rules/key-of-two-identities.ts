// Forbids one SSH key in two identities (a member, the bootstrap admin, the monitoring user): a member holding
// the admin's or the monitoring key could log in as that identity, and nobody could tell who did.
import type { Path } from '../findings.ts';
import { keyIdentity } from '../ssh-key.ts';
import { type InventoryFile, inventoryRule, type RuleFinding } from './rule.ts';

interface KeyAt {
  readonly file: InventoryFile;
  readonly path: Path;
  readonly key: string;
  readonly who: string;
}

export const keyOfTwoIdentities = inventoryRule('key-of-two-identities', (inventory) => {
  const { org } = inventory;
  const keys: KeyAt[] = [
    ...org.admin.keys.map((key, j): KeyAt => ({
      file: 'org',
      path: ['admin', 'keys', j],
      key,
      who: 'the bootstrap admin',
    })),
    ...(org.monitoring
      ? [
          {
            file: 'org',
            path: ['monitoring', 'ssh_key'],
            key: org.monitoring.ssh_key,
            who: 'the monitoring user',
          } as const,
        ]
      : []),
    ...inventory.members.flatMap((m, i) =>
      m.keys.map((key, j): KeyAt => ({ file: 'members', path: ['members', i, 'keys', j], key, who: m.user })),
    ),
  ];
  const findings: RuleFinding[] = [];
  const first = new Map<string, string>();
  for (const { file, path, key, who } of keys) {
    const id = keyIdentity(key);
    const owner = first.get(id.id);
    if (owner === undefined) first.set(id.id, who);
    // Twice within one member is key-used-twice's finding; this rule is about two identities.
    else if (owner !== who && (file === 'org' || !inventory.members.some((m) => m.user === owner)))
      findings.push({
        severity: 'error',
        file,
        path,
        message: `key ${id.fingerprint} is already ${owner}'s key; expected each identity (member, bootstrap admin, monitoring user) to have keys of its own`,
      });
  }
  return findings;
});
