// Proof that a key added to members.yaml belongs to the person: at least one commit of the change is signed with
// it (git SSH signatures, checked by git verify-commit / ssh-keygen -Y verify against an allowed-signers file
// rendered from the changed members.yaml). Neither organisation this is for had such a check.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdentity } from '../inventory/key-identity.ts';
import type { Member } from '../inventory/members.schema.ts';

export interface AddedKey {
  readonly user: string;
  readonly key: string;
  readonly fingerprint: string;
}

export interface CommitSignature {
  readonly sha: string;
  /** git's %G?: G good, U good but unknown validity, N none, B bad, E cannot check, ... */
  readonly status: string;
  /** Fingerprint of the signing key (%GK), empty when unsigned. */
  readonly fingerprint: string;
}

export interface KeyProof {
  readonly key: AddedKey;
  /** The commit signed with this key, when there is one. */
  readonly commit?: string;
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

/** Keys in `after` that `before` does not have (by key, not by text), with their member. */
export function addedKeys(before: readonly Member[], after: readonly Member[]): AddedKey[] {
  const known = new Set(before.flatMap((m) => m.keys.map((k) => keyIdentity(k).fingerprint)));
  return after.flatMap((m) =>
    m.keys
      .map((key) => ({ user: m.user, key, fingerprint: keyIdentity(key).fingerprint }))
      .filter((k) => !known.has(k.fingerprint)),
  );
}

/** Every commit in `range` with its signature as git verifies it against `members`' keys. */
export function commitSignatures(cwd: string, range: string, members: readonly Member[]): CommitSignature[] {
  const dir = mkdtempSync(join(tmpdir(), 'allowed-signers-'));
  try {
    const file = join(dir, 'allowed_signers');
    writeFileSync(file, allowedSigners(members));
    const r = spawnSync(
      'git',
      ['-c', `gpg.ssh.allowedSignersFile=${file}`, 'log', '--format=%H %G? %GK', range, '--'],
      { cwd, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`git log ${range} failed: ${r.stderr.trim()}`);
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line) => {
        const [sha = '', status = 'N', fingerprint = ''] = line.split(' ');
        return { sha, status, fingerprint };
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each added key with the commit that proves it, or without one. Only a good signature (G) counts. */
export function proveKeys(added: readonly AddedKey[], commits: readonly CommitSignature[]): KeyProof[] {
  return added.map((key) => {
    const commit = commits.find((c) => c.status === 'G' && c.fingerprint === key.fingerprint);
    return commit ? { key, commit: commit.sha } : { key };
  });
}

/** The words the review and the gate use for one key. */
export function proofLine(p: KeyProof): string {
  return p.commit
    ? `key possession proven: ${p.key.user}'s key ${p.key.fingerprint} signed commit ${p.commit.slice(0, 10)}`
    : `key possession not proven: ${p.key.user}'s key ${p.key.fingerprint} signed no commit of this change; ${p.key.user} must push a commit signed with it (git config gpg.format ssh; git config user.signingkey KEY.pub; git commit -S)`;
}
