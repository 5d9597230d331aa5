// Building blocks shared by the inventory schemas: names, sizes and addresses with messages a volunteer can act on.
import { z } from 'zod';
import { type Family, parseIPv4, parseIPv6, parsePrefix, type Prefix, prefixProblem } from './net.ts';
import { parseSshPublicKey } from './ssh-key.ts';

/** Lower-case DNS-label style names: they become hostnames, construct ids and Terraform names. */
export const name = z.string().regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/, {
  error: 'is not a valid name; expected lower-case letters, digits and "-", starting with a letter',
});

export const gib = z.number().positive().max(1_048_576);

export const ipv4Address = z.string().refine((v) => parseIPv4(v) !== undefined, {
  error: 'is not an IPv4 address',
});

export const ipv6Address = z.string().refine((v) => parseIPv6(v) !== undefined, {
  error: 'is not an IPv6 address',
});

/**
 * A network prefix of one family, parsed once into the prefix value type (`Prefix`, inventory/net.ts: family,
 * network address, length, normalised text) with a located error; every layer reads that, never the string.
 */
const prefixOf = (family: Family | 'either'): z.ZodType<Prefix, string> =>
  z.string().transform((text, ctx) => {
    // Either family: a colon says IPv6, as it does in every spelling of an IPv6 address.
    const fam = family === 'either' ? (text.includes(':') ? 6 : 4) : family;
    const prefix = parsePrefix(text, fam);
    if (prefix) return prefix;
    ctx.addIssue({
      code: 'custom',
      input: text,
      message: prefixProblem(text, fam) ?? `is not an IPv${fam} prefix`,
    });
    return z.NEVER;
  });

export const ipv4Prefix = prefixOf(4);
export const ipv6Prefix = prefixOf(6);
/** A prefix of either family (`2001:db8:400::f/128`, `198.51.100.73/32`). */
export const ipPrefix = prefixOf('either');

/** An OpenSSH public key line, parsed for real by inventory/ssh-key.ts (the one key validator of the repo). */
export const sshPublicKey = z.string().superRefine((text, ctx) => {
  const parsed = parseSshPublicKey(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
});

/** SSH key types age accepts as recipients; it refuses ECDSA and security keys (sk-*). */
export const AGE_SSH_KEY_TYPES: readonly string[] = ['ssh-ed25519', 'ssh-rsa'];

/** A public key that age can encrypt to: an SSH public key of a type age accepts. */
export const ageSshKey = sshPublicKey.refine(
  (text) => AGE_SSH_KEY_TYPES.includes(text.trim().split(/ +/)[0] ?? ''),
  { error: 'is a key type age cannot encrypt to; expected an ssh-ed25519 or ssh-rsa public key' },
);

/** A native age recipient (`age-keygen -y` prints it): for a member whose SSH keys age cannot use. */
export const ageRecipient = z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, {
  error: 'is not an age recipient; expected age1 followed by 58 bech32 characters (age-keygen -y prints it)',
});

/** Several public keys of one person or role; the same key twice is a copy-paste slip, so it is refused. */
export const sshPublicKeyList = z.array(sshPublicKey).superRefine((keys, ctx) => {
  const seen = new Map<string, number>();
  keys.forEach((text, i) => {
    const parsed = parseSshPublicKey(text);
    if (!parsed.ok) return;
    const first = seen.get(parsed.key.blob);
    if (first === undefined) seen.set(parsed.key.blob, i);
    else
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `is the same key as entry ${first}; expected each key once`,
      });
  });
});
