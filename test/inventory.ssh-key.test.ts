// The key parser agrees with OpenSSH's own `ssh-keygen -l` on real keys: type and size, what it refuses,
// the fingerprint; and a key's identity is its type and blob, whatever its comment.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyIdentity, parseSshPublicKey } from '../inventory/ssh-key.ts';

const work = mkdtempSync(join(tmpdir(), 'ssh-key-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const KEYGEN = spawnSync('sh', ['-c', 'command -v ssh-keygen'], { encoding: 'utf8' }).stdout.trim();
if (!KEYGEN) console.warn('ssh-keygen is not installed (apt-get install openssh-client): skipping');

/** Bits and type as `ssh-keygen -l` prints them: "256 SHA256:... comment (ED25519)". */
function keygenSays(pub: string): { bits: number; type: string } | undefined {
  const path = join(work, `k${Math.random().toString(36).slice(2)}.pub`);
  writeFileSync(path, `${pub}\n`);
  const r = spawnSync(KEYGEN, ['-l', '-f', path], { encoding: 'utf8' });
  const match = /^(\d+) \S+ .*\(([A-Z0-9-]+)\)$/.exec(r.stdout.trim());
  return r.status === 0 && match ? { bits: Number(match[1]), type: match[2]! } : undefined;
}

function wire(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

describe.skipIf(!KEYGEN)('parseSshPublicKey against ssh-keygen', () => {
  const cases = [
    ['ed25519', []],
    ['rsa', ['-b', '3072']],
    ['rsa', ['-b', '2048']],
    ['ecdsa', ['-b', '256']],
    ['ecdsa', ['-b', '384']],
    ['ecdsa', ['-b', '521']],
  ] as const;

  it.each(cases)('reads a %s key %j as ssh-keygen -l does', (type, args) => {
    const path = join(work, `${type}${args.join('')}`);
    const gen = spawnSync(KEYGEN, ['-q', '-t', type, ...args, '-N', '', '-C', 'test', '-f', path]);
    expect(gen.status).toBe(0);
    const pub = readFileSync(`${path}.pub`, 'utf8').trim();
    const ours = parseSshPublicKey(pub);
    const theirs = keygenSays(pub)!;
    if (type === 'rsa' && theirs.bits < 3072) {
      expect(ours).toEqual({
        ok: false,
        problem: `is an RSA key of ${theirs.bits} bits; expected at least 3072 (or an Ed25519 key)`,
      });
    } else {
      expect(ours.ok && ours.key.bits).toBe(theirs.bits);
    }
    // The private half is refused and not quoted.
    const priv = parseSshPublicKey(readFileSync(path, 'utf8'));
    expect(priv).toEqual({
      ok: false,
      problem: 'is a private key: a private key was pasted; paste the ".pub" file',
    });
  });

  it('accepts security-key types that ssh-keygen reads, and refuses what ssh-keygen cannot read', () => {
    const skEd = `sk-ssh-ed25519@openssh.com ${Buffer.concat([wire('sk-ssh-ed25519@openssh.com'), wire(Buffer.alloc(32, 7)), wire('ssh:')]).toString('base64')} yubikey`;
    expect(keygenSays(skEd)).toEqual({ bits: 256, type: 'ED25519-SK' });
    expect(parseSshPublicKey(skEd)).toMatchObject({
      ok: true,
      key: { type: 'sk-ssh-ed25519@openssh.com', bits: 256 },
    });
    const truncated = skEd.replace(/ yubikey$/, '').slice(0, -8);
    expect(keygenSays(truncated)).toBeUndefined();
    expect(parseSshPublicKey(truncated).ok).toBe(false);
  });
});

describe.skipIf(!KEYGEN)('keyIdentity, the one notion of the same key', () => {
  it('is the type and blob the parser reads, with the fingerprint ssh-keygen -l prints', () => {
    const path = join(work, 'identity');
    expect(spawnSync(KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'a b', '-f', path]).status).toBe(0);
    const pub = readFileSync(`${path}.pub`, 'utf8').trim();
    const parsed = parseSshPublicKey(pub);
    const id = keyIdentity(pub);
    expect(parsed.ok && [parsed.key.type, parsed.key.blob, parsed.key.comment]).toEqual([
      id.type,
      id.blob,
      'a b',
    ]);
    expect(id.id).toBe(`${id.type} ${id.blob}`);
    const listed = spawnSync(KEYGEN, ['-l', '-f', `${path}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
    expect(id.fingerprint).toBe(listed);
  });

  it('ignores the comment and the spacing, and tells another blob or type apart', () => {
    const blob = 'AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb';
    const one = keyIdentity(`ssh-ed25519 ${blob} cy@test`);
    expect(keyIdentity(`ssh-ed25519  ${blob}  cy-laptop  `).id).toBe(one.id);
    expect(keyIdentity(`ssh-ed25519 ${blob}`).id).toBe(one.id);
    expect(keyIdentity(`ssh-rsa ${blob} cy@test`).id).not.toBe(one.id);
    expect(keyIdentity(`ssh-ed25519 ${blob.replace('Zzb', 'Zzc')} cy@test`).id).not.toBe(one.id);
  });
});
