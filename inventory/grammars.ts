// Grammars for every inventory field whose text reaches another language (Terraform, shell, nftables, Icinga2, systemd).
import { z } from 'zod';

/** Control characters: C0, DEL, C1, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** What opens a Jinja statement, expression or comment: text that holds one would read as a template. */
const TEMPLATE = /\{[{%#]/;

/** Refuses `{{`, `{%` and `{#` in text that is data (it reaches Ansible, where they would start a template). */
export const NO_TEMPLATE = {
  check: (v: string): boolean => !TEMPLATE.test(v),
  error: 'has "{{", "{%" or "{#"; expected plain text (inventory text is never a template)',
} as const;

/** Human text on one line: a title, a location, a name. Printable Unicode, no control characters. */
export function title(max: number): z.ZodString {
  return z
    .string()
    .min(1)
    .refine((v) => !CONTROL.test(v), {
      error: 'has a line break or control character; expected one line of text',
    })
    .refine(NO_TEMPLATE.check, { error: NO_TEMPLATE.error })
    .refine((v) => v.length <= max, { error: `is longer than ${max} characters; expected a short title` });
}

/** Proxmox keeps at most 8 KiB of a VM's description; the VM's FQDN and a blank line go first. */
export const NOTES_MAX_BYTES = 7680;

/** Free-form notes: several lines are fine, other control characters (ESC, NUL) are not. */
export const notes = z
  .string()
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  .refine((v) => !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.test(v), {
    error: 'has a control character (only line breaks and tabs are allowed); expected plain text',
  })
  .refine(NO_TEMPLATE.check, { error: NO_TEMPLATE.error })
  .refine((v) => Buffer.byteLength(v, 'utf8') <= NOTES_MAX_BYTES, {
    error: `is longer than ${NOTES_MAX_BYTES} bytes; expected short notes (Proxmox keeps 8 KiB of description)`,
  });

/** nftables refuses comments over 128 bytes; the Proxmox firewall shows the same text. */
export const COMMENT_MAX = 100;

/** A firewall comment: printable, one line, no quotes or backslashes (nftables strings have no escapes). */
export const comment = z
  .string()
  .min(1)
  .refine((v) => !CONTROL.test(v) && !/["'`\\]/.test(v), {
    error:
      'has a quote, backslash or control character; expected plain words such as "XMPP file transfer proxy"',
  })
  .refine(NO_TEMPLATE.check, { error: NO_TEMPLATE.error })
  .refine((v) => Buffer.byteLength(v, 'utf8') <= COMMENT_MAX, {
    error: `is longer than ${COMMENT_MAX} bytes; expected a short comment`,
  });

/** RFC 1123 host names: labels of letters, digits and inner hyphens, at most 63 each and 253 in all. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  return text.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}

/** A DNS name with at least two labels and an alphabetic top-level label (example.org, git.example.org). */
export const domainName = z
  .string()
  .refine((v) => isHostname(v) && v.includes('.') && /\.[a-z]{2,63}$/.test(v), {
    error: 'is not a domain name; expected lower-case labels such as example.org (RFC 1123)',
  });

/** Characters a URL may hold here: RFC 3986's unreserved and a few delimiters, never quotes, `$`, `;`, spaces. */
const URL_TEXT = /^[A-Za-z0-9._~:/?#[\]@&+,=%{}-]+$/;

/** Why `text` is not a URL of `scheme`, or undefined. A user or password in it is refused: secrets live elsewhere. */
export function urlProblem(text: string, scheme: 'https' | 'ssh'): string | undefined {
  if (!URL_TEXT.test(text))
    return `has a character a URL must not hold here (a quote, "$", ";", space or control character); expected a plain ${scheme}:// URL`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `is not a URL; expected ${scheme}://host/...`;
  }
  if (url.protocol !== `${scheme}:`) return `is not a ${scheme}:// URL`;
  if (url.password !== '')
    return 'has a password in it; expected no secret in the inventory (the tool reads it from its own configuration)';
  if (url.username !== '' && scheme === 'https')
    return 'has a user name in it; expected no user or password in an https:// URL';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isHostname(host) && !host.includes(':'))
    return `has "${host.slice(0, 80)}" as host; expected a host name`;
  return undefined;
}

export function url(scheme: 'https' | 'ssh'): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    const problem = urlProblem(text, scheme);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A URL with a placeholder such as `{user}` that the consumer fills in; the placeholder is written as is. */
export function urlTemplate(scheme: 'https' | 'ssh', placeholder: string, example: string): z.ZodString {
  return z.string().superRefine((text, ctx) => {
    const problem = urlProblem(text, scheme);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if (!text.includes(`{${placeholder}}`))
      ctx.addIssue({ code: 'custom', message: `has no {${placeholder}}; expected a URL such as ${example}` });
    else if (/[{}]/.test(text.replaceAll(`{${placeholder}}`, '')))
      ctx.addIssue({
        code: 'custom',
        message: `has a brace other than {${placeholder}}; expected only {${placeholder}}`,
      });
  });
}

/** An absolute path of safe characters, without `..` (it reaches shell commands and unit files). */
export const absolutePath = z
  .string()
  .regex(/^(\/[A-Za-z0-9._-]+)+\/?$|^\/$/, {
    error: 'is not an absolute path of letters, digits, ".", "_" and "-"',
  })
  .refine((v) => !v.split('/').includes('..'), { error: 'contains ".."; expected a path without it' });

const WEEKDAY = '(mon|tue|wed|thu|fri|sat|sun)';
const WEEKDAYS = `${WEEKDAY}(\\.\\.${WEEKDAY})?(,${WEEKDAY}(\\.\\.${WEEKDAY})?)*`;
const NUMBER = '(\\*|\\d{1,2}(\\.\\.\\d{1,2})?)(\\/\\d{1,2})?';
const NUMBERS = `${NUMBER}(,${NUMBER})*`;
const DATE = `(\\*|\\d{4})-${NUMBERS}-${NUMBERS}`;
const TIME = `${NUMBERS}:${NUMBERS}(:${NUMBERS})?`;
const CALENDAR = new RegExp(
  `^(minutely|hourly|daily|weekly|monthly|yearly|annually|quarterly|semiannually|(${WEEKDAYS} )?(${DATE} )?${TIME}|${WEEKDAYS})$`,
);

/** The calendar events Proxmox's scheduler and systemd timers both take: `[WEEKDAYS] [DATE] TIME` or a keyword. */
export const calendarEvent = z.string().regex(CALENDAR, {
  error: 'is not a calendar event; expected something like "*-*-* 02:30", "sun 01:00" or "daily"',
});

/** IANA time zones this Node's tz database knows (Intl.supportedValuesOf omits the UTC aliases). */
export function isTimeZone(text: string): boolean {
  return text === 'UTC' || text === 'Etc/UTC' || Intl.supportedValuesOf('timeZone').includes(text);
}

export const timeZone = z.string().refine(isTimeZone, {
  error: 'is not a time zone of the tz database; expected something like Europe/Berlin or Etc/UTC',
});

/** Proxmox storage ids, as `pvesm` takes them. */
export const storageId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'is not a Proxmox storage id' });
