// The one INI writer of the generated configuration (Gitea's app.ini), quoting values the way go-ini reads them back.
//
// go-ini (which Gitea reads app.ini with) cuts a bare value at `#` or `;`, strips one pair of surrounding
// quotes and trims blanks; a value in backticks is taken as it is up to the last backtick, and one in `"""`
// likewise. So a value that is not plainly safe goes in backticks, or in `"""` when it holds a backtick; a
// value that fits neither, or has a line break, is refused: no field of ours may need one. go-ini also
// expands `%(KEY)s` in every value, quoted or not, with no escape: such text is refused too (it would show
// another key's value, a secret, where this one is displayed).

/** A value of an INI key: text, a number, a boolean, or a reference to the secrets store (written bare). */
export type IniValue = string | number | boolean | { readonly secretRef: string };

/** A section's keys in order; the section `''` holds the keys before the first header. */
export type IniSections = readonly (readonly [
  section: string,
  keys: readonly (readonly [string, IniValue])[],
])[];

const SAFE = /^[A-Za-z0-9_./:@+,=*\-[\] ]*$/;
const KEY = /^[A-Za-z0-9_.-]+$/;
/** What go-ini replaces by another key's value when it reads a value. */
export const INTERPOLATION = /%\([^)]*\)s/;
const SECTION = /^[A-Za-z0-9_.-]+$/;

/** One value as go-ini reads it back unchanged. */
export function iniValue(value: IniValue): string {
  if (typeof value === 'object') return value.secretRef;
  if (typeof value !== 'string') return String(value);
  if (/[\r\n]/.test(value)) throw new Error(`an INI value holds a line break: ${JSON.stringify(value)}`);
  if (INTERPOLATION.test(value))
    throw new Error(`an INI value holds %(...)s, which go-ini would replace: ${JSON.stringify(value)}`);
  const bare =
    SAFE.test(value) && value === value.trim() && !/^["']|["']$/.test(value) && !value.endsWith('\\');
  if (bare) return value;
  if (!value.includes('`')) return `\`${value}\``;
  if (!value.includes('"""') && !value.endsWith('"')) return `"""${value}"""`;
  throw new Error(
    `an INI value holds both a backtick and """ (or ends in a quote): ${JSON.stringify(value)}`,
  );
}

/** The whole file: `KEY = value` lines, a blank line before each `[section]`, after a comment header. */
export function renderIni(header: string, sections: IniSections): string {
  const lines = [header];
  for (const [section, keys] of sections) {
    if (section !== '') {
      if (!SECTION.test(section)) throw new Error(`not an INI section name: ${JSON.stringify(section)}`);
      lines.push('', `[${section}]`);
    }
    for (const [key, value] of keys) {
      if (!KEY.test(key)) throw new Error(`not an INI key: ${JSON.stringify(key)}`);
      lines.push(`${key} = ${iniValue(value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
