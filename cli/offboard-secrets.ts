// What an offboarding does to the secrets store: prints the secrets whose readers change, re-encrypts them
// without the leaver (with the identity at hand), and lists everything the leaver could read as "rotate".
import type { Member } from '../inventory/members.schema.ts';
import type { EditResult } from '../members/membership.ts';
import { recipientChangeLines, recipientChanges } from '../members/secret-changes.ts';
import { readableBy, rekey, storeContext } from '../members/secrets-ops.ts';
import { defaultStore, SecretsError } from '../members/secrets-store.ts';
import type { CommonOptions } from './args.ts';
import { withIdentity } from './secrets-identity.ts';

/** The lines to print; rekeying needs an identity that reads the store, else the line says to run it. */
export function offboardSecrets(options: CommonOptions, result: EditResult, leaver: Member): string[] {
  const after = result.afterModel;
  if (!after?.inventory.org.secrets) return [];
  const store = String(options.values.store ?? defaultStore(options.inventory));
  // The files' headers say what the leaver's keys open today, whatever roles.yaml said when they were made.
  const readable = readableBy(store, leaver);
  const lines = recipientChangeLines(recipientChanges(result.beforeModel, result.afterModel));
  const identity = typeof options.values.identity === 'string' ? options.values.identity : undefined;
  try {
    const changed = withIdentity(identity, (file) => rekey(storeContext(after, store), file));
    lines.push(`rekeyed ${changed.length} secrets without ${leaver.user}`);
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    lines.push(`not rekeyed (${err.message}): run npm run secrets -- rekey`);
  }
  lines.push(
    `rotate: ${leaver.user} could read ${readable.length} secrets (old copies stay in Git history); give each a new value with npm run secrets -- rotate KEY:`,
    ...readable.map((key) => `rotate ${key}`),
  );
  return lines;
}
