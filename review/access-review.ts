// The access section of the pull request comment: who gains or loses what, in words, and whether each new key has
// proven its owner by signing a commit. It opens the comment; a privilege gained is never folded away.
import type { Inventory } from '../inventory/inventory.ts';
import { accessModel } from '../members/access.ts';
import { type AccessChange, describeChanges } from '../members/describe.ts';
import { inventoryAt } from './inventory-at.ts';
import { addedKeys, commitSignatures, type KeyProof, proofLine, proveKeys } from './key-proof.ts';

export interface AccessReview {
  readonly changes: readonly AccessChange[];
  readonly proofs: readonly KeyProof[];
  /** Why the base side counts as having no members, when it does. */
  readonly note?: string;
}

/**
 * Compares the inventory at `base` with `head` (an Inventory already loaded), and checks the signatures of
 * the commits `base..headRef` against the head's members.
 */
export function reviewAccess(
  cwd: string,
  base: string,
  headRef: string,
  inventoryDir: string,
  head: Inventory,
): AccessReview {
  const before = inventoryAt(cwd, base, inventoryDir);
  const note = !before
    ? `${base} has no ${inventoryDir}/: every member counts as new`
    : !before.inventory
      ? `the inventory at ${base} does not load with this checkout's schema: every member counts as new`
      : undefined;
  const old = before?.inventory;
  const changes = describeChanges(old ? accessModel(old) : [], accessModel(head));
  const added = addedKeys(old?.members ?? [], head.members);
  const proofs =
    added.length > 0 ? proveKeys(added, commitSignatures(cwd, `${base}..${headRef}`, head.members)) : [];
  return { changes, proofs, ...(note ? { note } : {}) };
}

/** Markdown; empty when access does not change and no key is added, so the comment then has no access section. */
export function renderAccessReview(review: AccessReview): string {
  if (review.changes.length === 0 && review.proofs.length === 0) return '';
  const lines = ['## Access changes', ''];
  for (const c of review.changes) {
    if (c.gains.length > 0) lines.push(`- **${c.user} gains:** ${c.gains.join(', ')}`);
    if (c.loses.length > 0) lines.push(`- **${c.user} loses:** ${c.loses.join(', ')}`);
  }
  if (review.changes.length === 0) lines.push('No one gains or loses access.');
  if (review.proofs.length > 0) {
    lines.push('', '### New keys', '');
    for (const p of review.proofs)
      lines.push(`- ${p.commit ? '' : '**'}${proofLine(p)}${p.commit ? '' : '**'}`);
    if (review.proofs.some((p) => !p.commit))
      lines.push('', 'The deploy gate refuses this change until every new key has signed a commit of it.');
  }
  if (review.note) lines.push('', `_${review.note}._`);
  return `${lines.join('\n')}\n`;
}

/** The gate's lines for keys of `base..headRef` that signed nothing; empty when every new key is proven. */
export function unprovenKeys(cwd: string, base: string, headRef: string, inventoryDir: string): string[] {
  const head = inventoryAt(cwd, headRef, inventoryDir)?.inventory;
  if (!head) return [`the inventory at ${headRef} does not load; key possession cannot be checked`];
  return reviewAccess(cwd, base, headRef, inventoryDir, head)
    .proofs.filter((p) => !p.commit)
    .map(proofLine);
}
