// The Ansible vars file that carries decrypted secrets into one playbook run: one variable `secrets`, a dict
// keyed `<scope>/<name>`, every value tagged `!unsafe` so Ansible never reads `{{` in a secret as a template.
import { Document, Scalar } from 'yaml';
import { dovecotHash, isMailboxSecret } from './mail.ts';
import { scramVerifier } from './postgresql-roles.ts';

/** Names of secrets PostgreSQL gets as a SCRAM verifier too (`<key>.scram` in the dict). */
const PASSWORDS = /\/([a-z]+-)?(db-password|replication-password)$/;

/**
 * The vars file's text for these values (by key), with the derived `.scram` entries and the `.hash` of each
 * mailbox password (Dovecot gets only that); keys sorted.
 */
export function secretVarsFile(values: ReadonlyMap<string, string>): string {
  const entries = new Map<string, string>();
  for (const [key, value] of values) {
    entries.set(key, value);
    if (PASSWORDS.test(key)) entries.set(`${key}.scram`, scramVerifier(value));
    if (isMailboxSecret(key)) entries.set(`${key}.hash`, dovecotHash(value));
  }
  const dict: Record<string, Scalar> = {};
  for (const key of [...entries.keys()].sort()) {
    const node = new Scalar(entries.get(key)!);
    node.type = 'QUOTE_DOUBLE';
    node.tag = '!unsafe';
    dict[key] = node;
  }
  return new Document({ secrets: dict }).toString({ lineWidth: 0 });
}
