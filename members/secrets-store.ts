// The encrypted secrets store: one ASCII-armored age file per secret at `<store>/<scope>/<name>.age`, made,
// read, re-encrypted and judged here with Debian's `age` (the npm ports cannot encrypt to SSH keys).
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { SecretAlphabet, SecretNeed } from '../model/secret-needs.ts';
import type { Recipient } from './secret-access.ts';
import { publicKeyFile } from '../inventory/backup-keys.ts';

export class SecretsError extends Error {}

/** The store of an inventory directory: `secrets/` beside it (`inventory/` → `secrets/`). */
export function defaultStore(inventoryDir: string): string {
  return join(inventoryDir, '..', 'secrets');
}

export function secretPath(store: string, key: string): string {
  return join(store, `${key}.age`);
}

/** Every `.age` file of the store, as keys (`vm/mx1/acme-tsig`), sorted. */
export function storedKeys(store: string): string[] {
  if (!existsSync(store)) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.age') ? [relative(store, path).slice(0, -'.age'.length)] : [];
    });
  return walk(store).sort();
}

/** A stanza of an age header: `-> ssh-ed25519 TAG …` gives type `ssh-ed25519` and the recipient tag. */
export interface Stanza {
  readonly type: string;
  readonly tag?: string;
}

/** The recipient stanzas of an armored age file: readable without any private key. */
export function headerStanzas(armored: string): Stanza[] {
  const body = armored
    .replace(/-----BEGIN AGE ENCRYPTED FILE-----/, '')
    .replace(/-----END AGE ENCRYPTED FILE-----[\s\S]*$/, '')
    .replace(/\s+/g, '');
  const binary = Buffer.from(body, 'base64').toString('latin1');
  const header = binary.slice(0, binary.indexOf('\n---'));
  if (!header.startsWith('age-encryption.org/v1'))
    throw new SecretsError('is not an age file (no age header)');
  return header
    .split('\n')
    .filter((line) => line.startsWith('-> '))
    .map((line) => {
      const [type = '', tag] = line.slice(3).split(' ');
      return type === 'ssh-ed25519' || type === 'ssh-rsa' ? { type, tag: tag ?? '' } : { type };
    });
}

/** One string per recipient, comparable between a header and a plan: `ssh-ed25519 TAG`, `X25519`. */
function fingerprints(items: readonly { stanza?: string; type?: string; tag?: string }[]): string[] {
  return items.map((i) => `${i.stanza ?? i.type ?? ''}${i.tag === undefined ? '' : ` ${i.tag}`}`).sort();
}

/** True when the file is encrypted to exactly these recipients (age1 recipients counted, not named). */
export function sameRecipients(stanzas: readonly Stanza[], recipients: readonly Recipient[]): boolean {
  return fingerprints(stanzas).join('\n') === fingerprints(recipients).join('\n');
}

/** True when a header names this recipient (an SSH one: age1 recipients are anonymous in the header). */
export function namesRecipient(stanzas: readonly Stanza[], recipient: Recipient): boolean {
  return stanzas.some((s) => s.type === recipient.stanza && s.tag === recipient.tag);
}

/** A private scratch directory (0700), removed by `done` whatever happened. */
function scratch<T>(work: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  try {
    return work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Encrypts a value to the recipients with `age -a`; an ignored recipient (age only warns) is an error. */
export function encrypt(value: string, recipients: readonly Recipient[]): string {
  if (recipients.length === 0)
    throw new SecretsError('has no recipient; expected at least the deploy identity');
  return scratch((dir) => {
    const list = join(dir, 'recipients.txt');
    writeFileSync(list, `${recipients.map((r) => r.line).join('\n')}\n`);
    const run = spawnSync('age', ['-a', '-R', list], { input: value, encoding: 'utf8' });
    if (run.error) throw new SecretsError(`age did not run (${run.error.message}); install Debian's age`);
    if (run.status !== 0 || /ignor|warning/i.test(run.stderr))
      throw new SecretsError(`age refused the recipients: ${run.stderr.trim()}`);
    return run.stdout;
  });
}

/** Decrypts one armored file with an identity file (an SSH private key or an age identity). */
export function decrypt(path: string, identity: string): string {
  const run = spawnSync('age', ['-d', '-i', identity, path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.error) throw new SecretsError(`age did not run (${run.error.message}); install Debian's age`);
  if (run.status !== 0)
    throw new SecretsError(`${path}: cannot decrypt with ${identity}: ${run.stderr.trim()}`);
  return run.stdout;
}

/** Writes a file whole (rename over the old one), making its scope's folders. */
export function writeSecretFile(store: string, key: string, armored: string): void {
  const path = secretPath(store, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp-${process.pid}`, armored);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

const PASSWORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh random value as the consumer accepts it (rejection sampling: every character equally likely). */
export function freshValue(alphabet: SecretAlphabet, length: number): string {
  if (alphabet === 'hex')
    return randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  if (alphabet === 'base64') return randomBytes(length).toString('base64');
  if (alphabet === 'rsa-2048')
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
  if (alphabet === 'ssh-ed25519')
    return scratch((dir) => {
      const key = join(dir, 'key');
      const run = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'borg', '-f', key]);
      if (run.status !== 0) throw new SecretsError('ssh-keygen could not make a key');
      return readFileSync(key, 'utf8');
    });
  if (alphabet === 'matrix-signing-key') {
    const seed = randomBytes(32).toString('base64').replace(/=+$/, '');
    return `ed25519 a_${freshValue('password', 4)} ${seed}\n`;
  }
  let out = '';
  while (out.length < length)
    for (const byte of randomBytes(length * 2))
      if (byte < 248 && out.length < length) out += PASSWORD[byte % PASSWORD.length];
  return out;
}

/** The public half of an `rsa-2048` secret as vms.yaml's `dkim.public_key` takes it: base64 of its DER SPKI. */
export function rsaPublicKey(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** The public line of an OpenSSH private key (`ssh-keygen -y`), committed beside its ciphertext. */
export function publicHalf(privateKey: string): string {
  return scratch((dir) => {
    const key = join(dir, 'key');
    writeFileSync(key, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
    const run = spawnSync('ssh-keygen', ['-y', '-f', key], { encoding: 'utf8' });
    if (run.status !== 0)
      throw new SecretsError('ssh-keygen could not read the key: not an OpenSSH private key');
    return `${run.stdout.trim()}\n`;
  });
}

/**
 * Writes a secret's ciphertext and, for an SSH key, its public half into the inventory
 * (`<inventory>/public-keys/<key>.pub`): what the synth reads (the borg repository's authorized_keys) without
 * any private material. Without an inventory directory only the ciphertext is written.
 */
export function writeSecretValue(
  store: string,
  need: SecretNeed,
  value: string,
  recipients: readonly Recipient[],
  inventory?: string,
): void {
  const key = `${need.scope}/${need.name}`;
  writeSecretFile(store, key, encrypt(value, recipients));
  if (need.alphabet !== 'ssh-ed25519' || inventory === undefined) return;
  const pub = join(inventory, publicKeyFile(key));
  mkdirSync(dirname(pub), { recursive: true });
  writeFileSync(pub, publicHalf(value));
}

export function freshValueFor(need: SecretNeed): string {
  return freshValue(need.alphabet, need.length);
}
