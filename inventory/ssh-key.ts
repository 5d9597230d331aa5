// Parses OpenSSH public keys for real (RFC 4253 wire format, PROTOCOL.u2f for security keys): the one key
// validator of the repo, and the one definition of "the same key" (keyIdentity: type and blob, not the comment).
import { createHash } from 'node:crypto';

/** Key types the organisation accepts, each with what its blob must hold after the type name. */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-rsa',
] as const;

export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

/** RSA keys below this size are refused (NIST SP 800-57: 3072 bits for security beyond 2030). */
export const MIN_RSA_BITS = 3072;

export interface SshPublicKey {
  readonly type: SshKeyType;
  /** Key size in bits: 256 for Ed25519, the curve size for ECDSA, the modulus length for RSA. */
  readonly bits: number;
  /** The base64 blob exactly as given: two keys are the same key when their blobs are equal. */
  readonly blob: string;
  readonly comment: string;
}

export type SshKeyResult =
  { readonly ok: true; readonly key: SshPublicKey } | { readonly ok: false; readonly problem: string };

/** Recognises a pasted private key in any common format, so callers can refuse it without echoing it. */
export function looksLikePrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----|PuTTY-User-Key-File-|^b3BlbnNzaC1rZXktdjEA/m.test(text);
}

const CURVES: Record<string, { curve: string; bits: number; point: number }> = {
  'ecdsa-sha2-nistp256': { curve: 'nistp256', bits: 256, point: 65 },
  'ecdsa-sha2-nistp384': { curve: 'nistp384', bits: 384, point: 97 },
  'ecdsa-sha2-nistp521': { curve: 'nistp521', bits: 521, point: 133 },
  'sk-ecdsa-sha2-nistp256@openssh.com': { curve: 'nistp256', bits: 256, point: 65 },
};

/** Reads the length-prefixed fields of an SSH blob; every read checks the bounds. */
class WireReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  field(): Buffer | undefined {
    if (this.at + 4 > this.bytes.length) return undefined;
    const length = this.bytes.readUInt32BE(this.at);
    if (this.at + 4 + length > this.bytes.length) return undefined;
    const value = this.bytes.subarray(this.at + 4, this.at + 4 + length);
    this.at += 4 + length;
    return value;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }
}

function bitLength(mpint: Buffer): number {
  let i = 0;
  while (i < mpint.length && mpint[i] === 0) i++;
  if (i === mpint.length) return 0;
  return (mpint.length - i - 1) * 8 + (32 - Math.clz32(mpint[i]!));
}

/** What the blob holds, or why it is not a key of `label`'s type. */
function decodeBlob(label: SshKeyType, bytes: Buffer): { bits: number } | string {
  const reader = new WireReader(bytes);
  const inner = reader.field()?.toString('latin1');
  if (inner === undefined) return 'has a blob that does not decode (truncated?)';
  if (inner !== label)
    return `says ${label} but its blob holds a ${printable(inner)} key; expected the same type in both`;
  let bits: number;
  if (label === 'ssh-ed25519' || label === 'sk-ssh-ed25519@openssh.com') {
    if (reader.field()?.length !== 32) return 'has a truncated or damaged Ed25519 blob';
    bits = 256;
  } else if (label === 'ssh-rsa') {
    const e = reader.field();
    const n = reader.field();
    if (!e || !n || bitLength(e) === 0) return 'has a truncated or damaged RSA blob';
    bits = bitLength(n);
    if (bits < MIN_RSA_BITS)
      return `is an RSA key of ${bits} bits; expected at least ${MIN_RSA_BITS} (or an Ed25519 key)`;
  } else {
    const spec = CURVES[label]!;
    const curve = reader.field()?.toString('latin1');
    const point = reader.field();
    if (curve !== spec.curve || point?.length !== spec.point || point[0] !== 4)
      return `has a truncated or damaged ECDSA ${spec.curve} blob`;
    bits = spec.bits;
  }
  if (label.startsWith('sk-')) {
    const application = reader.field()?.toString('latin1');
    if (application === undefined || !application.startsWith('ssh:'))
      return 'has a security-key blob without its "ssh:" application';
  }
  if (!reader.done) return 'has bytes after the end of the key (two keys pasted together?)';
  return { bits };
}

function printable(text: string): string {
  return /^[\x21-\x7e]{1,64}$/.test(text) ? `"${text}"` : 'unreadable';
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * One `type base64 [comment]` line as in a `.pub` file or authorized_keys (without options). Problems are
 * phrased to follow the value's name in a finding and never contain the value itself.
 */
export function parseSshPublicKey(text: string): SshKeyResult {
  const fail = (problem: string): SshKeyResult => ({ ok: false, problem });
  if (looksLikePrivateKey(text))
    return fail('is a private key: a private key was pasted; paste the ".pub" file');
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(text))
    return fail('has a line break or control character; expected one line "type AAAA... comment"');
  const { type: label, blob, comment } = keyFields(text);
  if (label === 'ssh-dss')
    return fail('is a DSA (ssh-dss) key, which OpenSSH no longer accepts; expected an Ed25519 key');
  if (label.includes('-cert-v01@openssh.com'))
    return fail('is an SSH certificate; expected a plain public key');
  if (!(SSH_KEY_TYPES as readonly string[]).includes(label))
    return fail(`does not start with a known key type; expected one of ${SSH_KEY_TYPES.join(', ')}`);
  if (!BASE64.test(blob) || blob.length % 4 !== 0) return fail('has a blob that is not base64 (truncated?)');
  const decoded = decodeBlob(label as SshKeyType, Buffer.from(blob, 'base64'));
  if (typeof decoded === 'string') return fail(decoded);
  return { ok: true, key: { type: label as SshKeyType, bits: decoded.bits, blob, comment } };
}

/** A `.pub` file is one line; anything much longer is not one (an RSA 16384 key line is under 3 KiB). */
export const PUBLIC_KEY_FILE_MAX = 16 * 1024;

/**
 * The one key line of a public key file (`alice.pub`), or why the file is not one. Blank and `#` lines are
 * ignored. The problem never quotes the file: it may be a private key or any other file on the machine.
 */
export function publicKeyFileLine(text: string): { readonly line: string } | { readonly problem: string } {
  if (looksLikePrivateKey(text))
    return { problem: 'is a private key (not shown); expected the ".pub" file next to it' };
  if (text.length > PUBLIC_KEY_FILE_MAX)
    return { problem: `is larger than ${PUBLIC_KEY_FILE_MAX} bytes; expected a public key file of one line` };
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1)
    return { problem: `has ${lines.length} lines that are not comments; expected one public key line` };
  const parsed = parseSshPublicKey(lines[0]!);
  return parsed.ok
    ? { line: lines[0]! }
    : { problem: `is not a public key file: its line ${parsed.problem}` };
}

/** The fields of a key line: type, base64 blob, and the comment (the rest, spaces kept). */
function keyFields(text: string): { readonly type: string; readonly blob: string; readonly comment: string } {
  const [type = '', blob = '', ...rest] = text.trim().split(/ +/);
  return { type, blob, comment: rest.join(' ') };
}

/** What makes two public keys the same key: their type and blob; the comment and spacing do not count. */
export interface KeyIdentity {
  readonly type: string;
  /** The key blob, base64 as written (canonical: the schema admits only plain base64 of a whole key). */
  readonly blob: string;
  /** `type blob`: two keys are the same key exactly when their ids are equal. */
  readonly id: string;
  /** `SHA256:...` as ssh-keygen -l and git's %GK print it. */
  readonly fingerprint: string;
}

/** The identity of a key line the schema admitted (parseSshPublicKey). */
export function keyIdentity(text: string): KeyIdentity {
  const { type, blob } = keyFields(text);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return { type, blob, id: `${type} ${blob}`, fingerprint: `SHA256:${digest.replace(/=+$/, '')}` };
}
