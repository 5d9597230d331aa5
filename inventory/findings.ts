// Findings: errors and warnings located at a file, line, column and field path, printed one per line.

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
  return `${f.file}:${f.line}:${f.col}  ${f.path}  ${label}${f.message}`;
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
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
