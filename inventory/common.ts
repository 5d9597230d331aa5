// Building blocks shared by the inventory schemas: names, sizes and addresses with messages a volunteer can act on.
import { z } from 'zod';
import { parseIPv4, parseIPv6, parsePrefix, prefixProblem } from './net.ts';

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

export const sshPublicKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/,
    {
      error: 'is not an OpenSSH public key; expected "ssh-ed25519 AAAA... comment"',
    },
  );
