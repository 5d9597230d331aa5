// What makes two OpenSSH public keys the same key: their type and decoded blob, not the comment or spacing.
import { createHash } from 'node:crypto';

export interface KeyIdentity {
  readonly type: string;
  /** The key blob, base64 as written (canonical: the schema only admits plain base64). */
  readonly blob: string;
  /** `SHA256:...` as ssh-keygen -l and git's %GK print it. */
  readonly fingerprint: string;
}

export function keyIdentity(text: string): KeyIdentity {
  const [type = '', blob = ''] = text.trim().split(/\s+/);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return { type, blob, fingerprint: `SHA256:${digest.replace(/=+$/, '')}` };
}
