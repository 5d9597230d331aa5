// Forbids a secrets grant to a member age cannot encrypt to: age skips ECDSA and security keys (sk-*) with a
// mere warning, so such a member would silently get no secret. They need an Ed25519/RSA key or an `age:` recipient.
import { AGE_SSH_KEY_TYPES } from '../common.ts';
import { inventoryRule } from './rule.ts';

export const secretReaderWithoutAgeKey = inventoryRule('secret-reader-without-age-key', (inventory) => {
  const grants = new Set(inventory.roles.filter((r) => r.secrets !== undefined).map((r) => r.name));
  return inventory.members.flatMap((member, i) => {
    const role = member.roles.find((r) => grants.has(r));
    if (role === undefined || member.age !== undefined) return [];
    if (member.keys.some((k) => AGE_SSH_KEY_TYPES.includes(k.trim().split(/ +/)[0] ?? ''))) return [];
    return [
      {
        severity: 'error' as const,
        file: 'members' as const,
        path: ['members', i, 'keys'],
        message: `has no key age can encrypt to, but role "${role}" grants secrets (age refuses ECDSA and sk-* security keys); expected an ssh-ed25519 or ssh-rsa key, or an "age:" recipient (age-keygen -y)`,
      },
    ];
  });
});
