// The secrets part of the review's access section: per secret, who starts or stops being able to read it
// (names of secrets and people only, never a value). Kept apart from access-review.ts so each can change alone.
import type { Model } from '../model/derive.ts';
import { recipientChanges } from '../members/secret-changes.ts';

/** Markdown; empty when no secret changes readers. */
export function renderSecretRecipients(before: Model | undefined, head: Model): string {
  const changes = recipientChanges(before, head);
  if (changes.length === 0) return '';
  const lines = ['### Secret recipients', ''];
  for (const c of changes) {
    const parts = [
      ...(c.added.length > 0 ? [`readable by ${c.added.join(', ')}`] : []),
      ...(c.removed.length > 0 ? [`no longer by ${c.removed.join(', ')}`] : []),
    ];
    lines.push(`- \`${c.key}\`: ${parts.join('; ')}`);
  }
  lines.push(
    '',
    'After merge: `npm run secrets -- rekey`; a secret someone can no longer read must also be rotated (`npm run secrets -- rotate KEY`).',
  );
  return `${lines.join('\n')}\n`;
}
