// Findings: errors and warnings located at a file, line, column and field path, printed one per line.
import { isSensitiveValue } from './secrets.ts';
import { looksLikePrivateKey } from './ssh-key.ts';

/** Longest piece of user input a message quotes; a 1 MB value must not become a 1 MB log line. */
export const ECHO_LIMIT = 80;
/** Longest line `npm run check` prints for a finding, whatever it quotes (cli/report.ts cuts there). */
export const LINE_LIMIT = 300;

export type Path = readonly (string | number)[];

export interface Finding {
  readonly severity: 'error' | 'warning';
  /** File as shown to the user, e.g. `inventory/vms.yaml`. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Field path such as `vms[3].nics[0].ipv4`. */
  readonly path: string;
  readonly message: string;
}

export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(file)' : out;
}

export function formatFinding(f: Finding): string {
  const label = f.severity === 'warning' ? 'warning: ' : '';
  return `${f.file}:${f.line}:${f.col}  ${cut(f.path, ECHO_LIMIT)}  ${label}${f.message}`;
}

/** `text` cut to `limit` characters, saying how much was left out. */
export function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const rest = `… (${text.length} characters)`;
  return `${text.slice(0, Math.max(0, limit - rest.length))}${rest}`;
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      a.path.localeCompare(b.path) ||
      a.message.localeCompare(b.message),
  );
}

/** Renders a YAML value inside a message the way the user typed it. */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    // A private key or a password must not reach a CI log because someone pasted it in the wrong place.
    if (looksLikePrivateKey(value) || isSensitiveValue(value))
      return '(a value that looks secret, not shown)';
    return value.length > ECHO_LIMIT
      ? `${JSON.stringify(value.slice(0, ECHO_LIMIT))}…`
      : JSON.stringify(value);
  }
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
