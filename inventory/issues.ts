// Turns zod issues into findings whose message says what was found and what was expected.
import type { z } from 'zod';
import { type Finding, type Path, renderValue } from './findings.ts';
import type { SourceFile } from './source.ts';

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of fields',
};

function expected(name: string): string {
  return EXPECTED[name] ?? name;
}

function kindOf(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  return `a ${typeof value}`;
}

/** The field names an object schema accepts at `path` (for "did you mean"), walking through lists and wrappers. */
export function fieldsAt(schema: z.ZodType, path: Path): string[] {
  let current: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let node = s as { _zod: { def: { type: string; innerType?: unknown; in?: unknown } } };
    for (;;) {
      const def = node._zod.def;
      if (def.innerType !== undefined) node = def.innerType as typeof node;
      else if (def.type === 'pipe' && def.in !== undefined) node = def.in as typeof node;
      else return node;
    }
  };
  for (const segment of path) {
    const node = unwrap(current) as {
      _zod: { def: { type: string; shape?: Record<string, unknown>; element?: unknown } };
    };
    const def = node._zod.def;
    if (def.type === 'array' && typeof segment === 'number') current = def.element;
    else if (def.type === 'object' && typeof segment === 'string' && def.shape?.[segment])
      current = def.shape[segment];
    else return [];
  }
  const node = unwrap(current) as { _zod: { def: { type: string; shape?: Record<string, unknown> } } };
  return node._zod.def.type === 'object' ? Object.keys(node._zod.def.shape ?? {}) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function issueFindings(issue: z.core.$ZodIssue, source: SourceFile, schema: z.ZodType): Finding[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const hasInput = 'input' in issue && issue.input !== undefined;
  const input = hasInput ? (issue as { input: unknown }).input : undefined;
  const shown = renderValue(input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = fieldsAt(schema, path);
      return issue.keys.map((key) => {
        const guess = closest(key, known);
        const hint = guess ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`;
        return source.finding('error', [...path, key], `unknown field "${key}"; ${hint}`, true);
      });
    }
    case 'invalid_type': {
      if (!hasInput)
        return [source.finding('error', path, `is missing; expected ${expected(issue.expected)}`)];
      if (input === null)
        return [source.finding('error', path, `is empty; expected ${expected(issue.expected)}`)];
      // "a list is a list" says nothing: name the value only when it is a scalar.
      const subject = typeof input === 'object' ? '' : `${shown} `;
      return [
        source.finding('error', path, `${subject}is ${kindOf(input)}; expected ${expected(issue.expected)}`),
      ];
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'array') {
        const n = Array.isArray(input) ? input.length : 0;
        return [source.finding('error', path, `has ${n} entries; expected at least ${min}`)];
      }
      if (issue.origin === 'string')
        return [source.finding('error', path, `${shown} is too short; expected text`)];
      const bound = issue.inclusive ? `at least ${min}` : `more than ${min}`;
      return [source.finding('error', path, `${shown} is too small; expected ${bound}`)];
    }
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'array') {
        const n = Array.isArray(input) ? input.length : 0;
        return [source.finding('error', path, `has ${n} entries; expected at most ${max}`)];
      }
      const bound = issue.inclusive ? `at most ${max}` : `less than ${max}`;
      return [source.finding('error', path, `${shown} is too large; expected ${bound}`)];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => renderValue(v)).join(', ');
      // A missing or empty enum field reaches zod as a wrong value, not as a wrong type.
      if (!hasInput) return [source.finding('error', path, `is missing; expected one of ${values}`)];
      if (input === null) return [source.finding('error', path, `is empty; expected one of ${values}`)];
      return [source.finding('error', path, `${shown} is not allowed; expected one of ${values}`)];
    }
    case 'invalid_format':
    case 'custom': {
      const subject = input !== undefined && typeof input !== 'object' ? `${shown} ` : '';
      const message =
        issue.code === 'invalid_format' && issue.message.startsWith('Invalid')
          ? `is not a valid ${issue.format}`
          : issue.message;
      return [source.finding('error', path, `${subject}${message}`)];
    }
    default:
      return [source.finding('error', path, `${shown}: ${issue.message}`)];
  }
}
