// Forbids one SSH key in two members (or twice in one): a key must prove one person, so logins and signed
// commits can be attributed. Keys compare by type and blob, whatever their comments say.
import { keyIdentity } from '../ssh-key.ts';
import { inventoryRule, type RuleFinding } from './rule.ts';

export const keyUsedTwice = inventoryRule('key-used-twice', (inventory) => {
  const findings: RuleFinding[] = [];
  const first = new Map<string, { user: string; at: string }>();
  inventory.members.forEach((member, i) => {
    member.keys.forEach((key, j) => {
      const id = keyIdentity(key);
      const seen = first.get(id.id);
      if (!seen) {
        first.set(id.id, { user: member.user, at: `members[${i}].keys[${j}]` });
        return;
      }
      const whose = seen.user === member.user ? 'this member already lists it' : `it is ${seen.user}'s key`;
      findings.push({
        severity: 'error',
        file: 'members',
        path: ['members', i, 'keys', j],
        message: `key ${id.fingerprint} is used twice (${whose}, at ${seen.at}); expected one key per person`,
      });
    });
  });
  return findings;
});
