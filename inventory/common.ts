// Building blocks shared by the inventory schemas: names, sizes and addresses with messages a volunteer can act on.
import { z } from 'zod';
import { parseIPv4, parseIPv6, parsePrefix, prefixProblem } from './net.ts';
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

export const ipv4Prefix = z.string().refine((v) => parsePrefix(v, 4) !== undefined, {
  error: (issue) => prefixProblem(String(issue.input), 4) ?? 'is not an IPv4 prefix',
});

export const ipv6Prefix = z.string().refine((v) => parsePrefix(v, 6) !== undefined, {
  error: (issue) => prefixProblem(String(issue.input), 6) ?? 'is not an IPv6 prefix',
});

/** An OpenSSH public key line, parsed for real by inventory/ssh-key.ts (the one key validator of the repo). */
export const sshPublicKey = z.string().superRefine((text, ctx) => {
  const parsed = parseSshPublicKey(text);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
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
