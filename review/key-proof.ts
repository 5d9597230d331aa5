// Proof that a key added to members.yaml belongs to the person it is filed under: a commit of the change signed
// with the new key (possession) and a commit signed by a key that member already had at the base (consent), or,
// for a new member, by their sponsor's base key. Signatures are checked by git against an allowed-signers file
// rendered from the BASE revision's members, so a change cannot vouch for itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdentity } from '../inventory/ssh-key.ts';
import type { Member } from '../inventory/members.schema.ts';

export interface AddedKey {
  readonly user: string;
  readonly key: string;
  readonly fingerprint: string;
  /** Whose base key must co-sign: the member themself, or (for a new member) their sponsor. */
  readonly voucher: { readonly user: string; readonly sponsor: boolean };
}

export interface CommitSignature {
  readonly sha: string;
  /** git's %G?: G good (key in the base's allowed signers), U valid but unknown key, N none, B bad, ... */
  readonly status: string;
  /** Fingerprint of the signing key (%GK), empty when unsigned. */
  readonly fingerprint: string;
  /** The principal git found for the key in the base's allowed signers (%GS), empty when none. */
  readonly signer: string;
  /** `Name <email>` of the committer, as the commit states it (not verified by anything). */
  readonly committer: string;
}

export interface KeyProof {
  readonly key: AddedKey;
  /** A commit signed with the new key itself: the person holds it. */
  readonly possession?: CommitSignature;
  /** A commit signed with one of the voucher's keys at the base: the account's owner (or sponsor) agrees. */
  readonly consent?: CommitSignature;
}

export function isProven(p: KeyProof): boolean {
  return p.possession !== undefined && p.consent !== undefined;
}

/** One line per key: `<email> namespaces="git" <type> <blob>`, the format ssh-keygen -Y verify reads. */
export function allowedSigners(members: readonly Member[]): string {
  const lines: string[] = [];
  for (const m of [...members].sort((a, b) => a.user.localeCompare(b.user)))
    for (const key of m.keys) {
      const id = keyIdentity(key);
      lines.push(`${m.email} namespaces="git" ${id.type} ${id.blob}`);
    }
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * Keys of each member in `after` that the SAME member did not have in `before` (by key, not by text): a key
 * that moves from one member to another is new to the second one.
 */
export function addedKeys(before: readonly Member[], after: readonly Member[]): AddedKey[] {
  const old = new Map(before.map((m) => [m.user, new Set(m.keys.map((k) => keyIdentity(k).fingerprint))]));
  return after.flatMap((m) => {
    const known = old.get(m.user);
    const voucher = known ? { user: m.user, sponsor: false } : { user: m.sponsor, sponsor: true };
    return m.keys
      .map((key) => ({ user: m.user, key, fingerprint: keyIdentity(key).fingerprint, voucher }))
      .filter((k) => !known?.has(k.fingerprint));
  });
}

/** Every commit in `range` with its signature as git verifies it against the BASE revision's members. */
export function commitSignatures(
  cwd: string,
  range: string,
  baseMembers: readonly Member[],
): CommitSignature[] {
  const dir = mkdtempSync(join(tmpdir(), 'allowed-signers-'));
  try {
    const file = join(dir, 'allowed_signers');
    writeFileSync(file, allowedSigners(baseMembers));
    const r = spawnSync(
      'git',
      [
        '-c',
        `gpg.ssh.allowedSignersFile=${file}`,
        'log',
        '-z',
        '--format=%H%x1f%G?%x1f%GK%x1f%GS%x1f%cn <%ce>',
        range,
        '--',
      ],
      { cwd, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`git log ${range} failed: ${r.stderr.trim()}`);
    return r.stdout
      .split('\0')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const [sha = '', status = 'N', fingerprint = '', signer = '', committer = ''] = line.split('\x1f');
        return { sha: sha.trim(), status, fingerprint, signer, committer };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Each added key with the commits that prove it. Possession: a valid signature by the new key (G, or U when
 * the key is not in the base's file, which git still checks cryptographically). Consent: a good signature (G)
 * by one of the voucher's keys at the base.
 */
export function proveKeys(
  added: readonly AddedKey[],
  commits: readonly CommitSignature[],
  baseMembers: readonly Member[],
): KeyProof[] {
  return added.map((key) => {
    const voucherKeys = new Set(
      (baseMembers.find((m) => m.user === key.voucher.user)?.keys ?? []).map(
        (k) => keyIdentity(k).fingerprint,
      ),
    );
    const possession = commits.find(
      (c) => (c.status === 'G' || c.status === 'U') && c.fingerprint === key.fingerprint,
    );
    const consent = commits.find((c) => c.status === 'G' && voucherKeys.has(c.fingerprint));
    return { key, ...(possession ? { possession } : {}), ...(consent ? { consent } : {}) };
  });
}

function who(c: CommitSignature): string {
  return `commit ${c.sha.slice(0, 10)} (signer ${c.signer || 'not in the base allowed signers'}, committer ${c.committer})`;
}

/** The words the review and the gate use for one key: what proves it, and who signed and committed each proof. */
export function proofLine(p: KeyProof): string {
  const { user, fingerprint, voucher } = p.key;
  const owner = voucher.sponsor ? `${user}'s sponsor ${voucher.user}` : user;
  const head = `${user}'s new key ${fingerprint}`;
  if (isProven(p))
    return `key proven: ${head} signed ${who(p.possession!)}; ${owner}'s key at the base signed ${who(p.consent!)}`;
  const missing: string[] = [];
  if (!p.possession)
    missing.push(
      `a commit signed with the new key (git config gpg.format ssh; git config user.signingkey KEY.pub; git commit -S)`,
    );
  if (!p.consent) missing.push(`a commit signed with a key ${owner} had at the base`);
  return `key not proven: ${head} needs ${missing.join(' and ')}`;
}
