// The access section of the pull request comment and the deploy gate's access check: who gains or loses what,
// every other access change (admin and monitoring keys, key sources, forge logins, e-mail, roles), and whether
// each new key is proven by the right people. It follows the caution section; a privilege gained is never folded.
import { spawnSync } from 'node:child_process';
import type { Inventory } from '../inventory/inventory.ts';
import { accessModel, type MemberAccess } from '../members/access.ts';
import { type AccessChange, describeChange, describeChanges } from '../members/describe.ts';
import { ACCESS_TRAILER, type AccessItem, accessItems } from './access-changes.ts';
import { allowAccessTrailers, allowDestroyTrailers, TRAILER } from './deploy-gate.ts';
import { inventoryAt } from './inventory-at.ts';
import { code } from './markdown.ts';
import { addedKeys, commitSignatures, isProven, type KeyProof, proofLine, proveKeys } from './key-proof.ts';

export interface AccessReview {
  readonly changes: readonly AccessChange[];
  /** Everything besides member grants and keys, plus each member's gated gains (`grant/<user>`). */
  readonly items: readonly AccessItem[];
  readonly proofs: readonly KeyProof[];
  /** `Allow-Access:` and `Allow-Destroy:` trailers in the commits of the change: each claims a review. */
  readonly trailers: readonly string[];
  /** Why the base side counts as having no members, when it does. */
  readonly note?: string;
}

/**
 * A member's gains that need review: all of them, except SSH on VMs this change creates (a new VM under an
 * `ssh: all` role is not a new privilege over anything that exists).
 */
function gatedGrants(before: Inventory | undefined, after: Inventory): AccessItem[] {
  const oldModel = new Map((before ? accessModel(before) : []).map((a) => [a.user, a]));
  const oldVms = new Set((before?.vms ?? []).map((v) => v.name));
  return accessModel(after).flatMap((a): AccessItem[] => {
    const onOldVms: MemberAccess = { ...a, ssh: a.ssh.filter((g) => oldVms.has(g.vm)) };
    const { gains } = describeChange(oldModel.get(a.user), onOldVms);
    if (gains.length === 0) return [];
    return [{ kind: 'grant', text: `${a.user} gains: ${gains.join(', ')}`, id: `grant/${a.user}` }];
  });
}

/**
 * Compares the inventory at `base` with `head` (an Inventory already loaded), and checks the signatures of
 * the commits `base..headRef` against the BASE's members: only keys the base trusts can vouch.
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
  const items = [...gatedGrants(old, head), ...accessItems(old, head)];
  const baseMembers = old?.members ?? [];
  const added = addedKeys(baseMembers, head.members);
  const proofs =
    added.length > 0
      ? proveKeys(added, commitSignatures(cwd, `${base}..${headRef}`, baseMembers), baseMembers)
      : [];
  return {
    changes,
    items,
    proofs,
    trailers: trailersIn(cwd, `${base}..${headRef}`),
    ...(note ? { note } : {}),
  };
}

/** The trailers of every commit message in `range`, as `Key: value` lines. */
function trailersIn(cwd: string, range: string): string[] {
  const log = spawnSync('git', ['log', '-z', '--format=%B', range, '--'], { cwd, encoding: 'utf8' });
  if (log.status !== 0) throw new Error(`git log ${range} failed: ${log.stderr.trim()}`);
  const messages = log.stdout.split('\0').filter((m) => m.trim() !== '');
  return [
    ...messages.flatMap((m) => allowAccessTrailers(m).map((v) => `${ACCESS_TRAILER}: ${v}`)),
    ...messages.flatMap((m) => allowDestroyTrailers(m).map((v) => `${TRAILER}: ${v}`)),
  ];
}

/** Markdown; empty when access does not change and no key is added, so the comment then has no access section. */
export function renderAccessReview(review: AccessReview): string {
  const others = review.items.filter((i) => i.kind !== 'grant');
  if (
    review.changes.length === 0 &&
    review.proofs.length === 0 &&
    others.length === 0 &&
    review.trailers.length === 0
  )
    return '';
  const lines = ['## Access changes', ''];
  for (const c of review.changes) {
    if (c.gains.length > 0) lines.push(`- **${c.user} gains:** ${c.gains.join(', ')}`);
    if (c.loses.length > 0) lines.push(`- **${c.user} loses:** ${c.loses.join(', ')}`);
  }
  if (review.changes.length === 0) lines.push('No member gains or loses a grant.');
  if (others.length > 0) {
    lines.push('', '### Keys, key sources and identities', '');
    for (const item of others) lines.push(`- **${item.text}**${item.id ? ` (\`${item.id}\`)` : ''}`);
  }
  if (review.proofs.length > 0) {
    lines.push('', '### New member keys', '');
    for (const p of review.proofs)
      lines.push(`- ${isProven(p) ? '' : '**'}${proofLine(p)}${isProven(p) ? '' : '**'}`);
  }
  const open = unreviewed(review, []);
  if (open.length > 0)
    lines.push(
      '',
      `The deploy gate refuses this change until each of these is proven or a reviewed commit carries its trailer: ${open.map((o) => `\`${ACCESS_TRAILER}: ${o}\``).join(', ')}.`,
    );
  if (review.trailers.length > 0) {
    lines.push('', '### Trailers in these commits', '');
    lines.push(
      'Each one tells the deploy gate that a maintainer reviewed what it names; check that this is true:',
    );
    lines.push('', ...review.trailers.map((t) => `- **${code(t)}**`));
  }
  if (review.note) lines.push('', `_${review.note}._`);
  return `${lines.join('\n')}\n`;
}

/**
 * The trailer values still missing: every unproven key (`key/<user>/<fingerprint>`) and every gated item whose
 * trailer is not in `allowed`. A new member's grants count as proven when all of their keys are.
 */
export function unreviewed(review: AccessReview, allowed: readonly string[]): string[] {
  const ok = new Set(allowed);
  const provenNewMembers = new Set(
    review.proofs
      .filter((p) => p.key.voucher.sponsor)
      .map((p) => p.key.user)
      .filter((u) => review.proofs.filter((p) => p.key.user === u).every(isProven)),
  );
  const keys = review.proofs
    .filter((p) => !isProven(p))
    .map((p) => `key/${p.key.user}/${p.key.fingerprint}`)
    .filter((id) => !ok.has(id));
  const items = review.items
    .filter((i) => i.id !== undefined && !ok.has(i.id))
    .filter((i) => !(i.kind === 'grant' && provenNewMembers.has(i.id!.slice('grant/'.length))))
    .map((i) => i.id!);
  return [...keys, ...items];
}

/** The gate's lines: what is not proven and not allowed by a trailer; empty when every access change is. */
export function unprovenAccess(
  cwd: string,
  base: string,
  headRef: string,
  inventoryDir: string,
  allowed: readonly string[],
): string[] {
  const head = inventoryAt(cwd, headRef, inventoryDir)?.inventory;
  if (!head) return [`the inventory at ${headRef} does not load; access changes cannot be checked`];
  const review = reviewAccess(cwd, base, headRef, inventoryDir, head);
  const open = new Set(unreviewed(review, allowed));
  const lines = review.proofs
    .filter((p) => open.has(`key/${p.key.user}/${p.key.fingerprint}`))
    .map((p) => `${proofLine(p)}; or ${ACCESS_TRAILER}: key/${p.key.user}/${p.key.fingerprint}`);
  for (const item of review.items)
    if (item.id && open.has(item.id))
      lines.push(`access change not reviewed: ${item.text}; needs ${ACCESS_TRAILER}: ${item.id}`);
  return lines;
}
