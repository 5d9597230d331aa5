// Schema of inventory/members.yaml: the people who maintain the infrastructure, their keys and their roles.
import { z } from 'zod';
import { ageRecipient, name, sshPublicKey } from './common.ts';
import { title } from './grammars.ts';

/** Longest full name: it reaches the GECOS field, Proxmox comments and reviews. */
export const MEMBER_NAME_MAX = 100;

/** A calendar date written as YYYY-MM-DD (plain YAML 1.2 keeps it a string). */
export const isoDate = z.string().refine((text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && validDate(text), {
  error: 'is not a date; expected YYYY-MM-DD such as 2026-03-01',
});

function validDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * A Unix login that is safe on every VM and in every config it reaches (sudoers, sshd, Icinga2, Proxmox):
 * lower-case, starting with a letter, at most 32 characters (useradd's limit).
 */
export const unixUser = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, {
  error:
    'is not a safe Unix user name; expected lower-case letters, digits, "-" or "_", starting with a letter, at most 32',
});

export const memberSchema = z.strictObject({
  /** Login name on every VM the member may reach, and their Proxmox and forge user. */
  user: unixUser,
  /** Full name, shown in reviews and in the GECOS field. */
  name: title(MEMBER_NAME_MAX).regex(/^[^\n\r:,=]+$/, {
    error: 'contains ":", ",", "=" or a line break; expected a plain full name',
  }),
  email: z.email({ error: 'is not an e-mail address; expected name@example.org' }),
  /** OpenSSH public keys; each may sign the member's commits (key possession is proven that way). */
  keys: z.array(sshPublicKey).min(1),
  /**
   * An age recipient the secrets are also encrypted to, for a member whose SSH keys age cannot use
   * (security keys, ECDSA). @default none: the member's ssh-ed25519 and ssh-rsa keys
   */
  age: ageRecipient.optional(),
  /** Roles from roles.yaml; all access is derived from them. */
  roles: z.array(name).min(1),
  /** When the member joined. */
  since: isoDate,
  /** Last day of membership: the offboarding is due after it. @default no end */
  until: isoDate.optional(),
  /** The existing member who vouched for this one; they must hold every role granted here. */
  sponsor: unixUser,
  /** Login on the forge when it differs from `user`. @default user */
  forge_user: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$/, {
      error: 'is not a forge login; expected letters, digits, "-", "_" or "."',
    })
    .optional(),
  /** Matrix ID for notifications, such as @alice:example.org. */
  matrix: z
    .string()
    .regex(/^@[a-z0-9._=/+-]+:[a-z0-9.-]+(:\d+)?$/, {
      error: 'is not a Matrix ID; expected @user:example.org',
    })
    .optional(),
});

export const membersFileSchema = z.strictObject({ members: z.array(memberSchema) });

export type Member = z.infer<typeof memberSchema>;
