// String literals for the languages application configuration is written in (PHP, Python): one quoting function each.
//
// Inventory text (a domain, a name) is data wherever it lands: in config.php it is a single-quoted PHP string,
// in wikiconfig.py a Python string, so no text can end the literal and become code.

/**
 * A single-quoted PHP string. Inside one, PHP knows only two escapes, `\\` and `\'`; everything else (`$`, `?>`,
 * newlines) is plain text, so escaping those two is complete.
 */
export function phpString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/**
 * A value from the secrets store, placed by the renderer's `ref` (a secretRef in the playbook, a throwaway value
 * in a test). Store values are letters and digits or hex (model/secret-needs.ts), so they need no escaping.
 */
export class StoreValue {
  constructor(readonly key: string) {}
}

/** A PHP value: strings quoted by phpString, arrays as `array (...)`, lists indexed from 0. */
export type PhpValue =
  string | number | boolean | StoreValue | readonly PhpValue[] | { readonly [key: string]: PhpValue };

/** A PHP expression for a value, indented like var_export writes it; `ref` places store values. */
export function phpValue(value: PhpValue, ref: (key: string) => string, indent = ''): string {
  if (typeof value === 'string') return phpString(value);
  if (value instanceof StoreValue) return `'${ref(value.key)}'`;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${value} is not an integer PHP config value`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const entries: [string | number, PhpValue][] = Array.isArray(value)
    ? (value as readonly PhpValue[]).map((v, i) => [i, v])
    : Object.entries(value as Record<string, PhpValue>);
  if (entries.length === 0) return 'array ()';
  const inner = `${indent}  `;
  const lines = entries.map(
    ([k, v]) => `${inner}${typeof k === 'number' ? k : phpString(k)} => ${phpValue(v, ref, inner)},`,
  );
  return `array (\n${lines.join('\n')}\n${indent})`;
}

/** Escapes Python needs beyond the backslash and the quote: what would end the line or hide in it. */
const PYTHON_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A single-quoted Python string (str). Backslash and quote are escaped, and so is every control character
 * (a newline would end the literal), so any text stays one literal; other characters are written as they are
 * (the file is UTF-8, Python's default source encoding).
 */
export function pythonString(text: string): string {
  let out = "'";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (PYTHON_ESCAPES[ch]) out += PYTHON_ESCAPES[ch];
    else if (
      code < 0x20 ||
      code === 0x7f ||
      (code >= 0x80 && code < 0xa0) ||
      (code >= 0x2028 && code <= 0x2029) ||
      (code >= 0xd800 && code <= 0xdfff)
    )
      out +=
        code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}
