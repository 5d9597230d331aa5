// Decides what looks secret, so no finding, review comment or CI log ever shows a password, token or private key.

/** Attribute or key names whose values are never shown. Public `ssh_keys`/`keys` are deliberately not matched. */
const SENSITIVE_NAME =
  /(password|passwd|passphrase|secret|token|private[_-]?key|api[_-]?key|key[_-]?material|credential|conn[_-]?str)/i;

const PRIVATE_KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;
const PVE_TOKEN = /\b[\w.-]+@[\w.-]+![\w.-]+=[0-9a-f-]{36}\b/gi;

export const MASK = '(sensitive)';

/** True when any segment of an attribute path names a secret (`initialization.user_account.password`). */
export function isSensitivePath(path: string): boolean {
  return path.split(/[.[\]]/).some((segment) => segment !== '' && SENSITIVE_NAME.test(segment));
}

/** True when a value itself is secret whatever its name: a private key, a URL with a password, a PVE API token. */
export function isSensitiveValue(value: unknown): boolean {
  if (typeof value === 'string') {
    return new RegExp(PRIVATE_KEY_BLOCK.source).test(value) || hasUrlPassword(value) || hasPveToken(value);
  }
  if (Array.isArray(value)) return value.some(isSensitiveValue);
  return false;
}

function hasUrlPassword(text: string): boolean {
  return new RegExp(URL_PASSWORD.source, 'i').test(text);
}

function hasPveToken(text: string): boolean {
  return new RegExp(PVE_TOKEN.source, 'i').test(text);
}

/**
 * A text file with its secrets replaced: private key blocks, URL passwords, PVE tokens, and the values of
 * `name: value` / `name = value` lines whose name looks secret (cloud-config, Icinga, INI).
 */
export function maskText(text: string): string {
  return text
    .replace(PRIVATE_KEY_BLOCK, '(private key masked)')
    .replace(URL_PASSWORD, '$1(masked)@')
    .replace(PVE_TOKEN, '(token masked)')
    .split('\n')
    .map(maskAssignment)
    .join('\n');
}

const ASSIGNMENT = /^(\s*(?:- )?["']?([\w.-]+)["']?\s*[:=]\s*)(\S.*)$/;

function maskAssignment(line: string): string {
  const match = ASSIGNMENT.exec(line);
  if (!match || !SENSITIVE_NAME.test(match[2]!)) return line;
  const value = match[3]!;
  // A reference to somewhere else (`$VAR`, `${...}`, `!secret`) is not the secret itself.
  if (/^["']?(\$\{|\$[A-Za-z_]\w*["']?$|!)/.test(value)) return line;
  if (/^(true|false|yes|no|null|~)$/i.test(value)) return line;
  return `${match[1]}(masked)`;
}
