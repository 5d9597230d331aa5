// Terraform's template escapes applied to every literal string that enters synthesized JSON, tokens excepted.
import { Token, Tokenization } from 'cdktf';

/**
 * Terraform reads every JSON string in an expression position as a template: `${...}` interpolates and
 * `%{...}` is a directive. Doubling the introducer (`$${`, `%%{`) is Terraform's own way to write them
 * literally, so a value from the inventory can never become code.
 */
export function escapeTemplate(text: string): string {
  // A function as replacement: in a replacement string `$$` would mean one `$`.
  return text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

/**
 * One string as cdktf hands it over before resolution: references (tokens such as `${TfToken[TOKEN.7]}`)
 * stay as they are, so they still resolve to Terraform references; every character around them is escaped.
 */
export function escapeLiteralString(text: string): string {
  // Fast path: no introducer, nothing to escape (also true of list and map token encodings).
  if (!text.includes('${') && !text.includes('%{')) return text;
  const tokens = Tokenization.reverseString(text).tokens.map((t) => Token.asString(t));
  let out = '';
  let rest = text;
  for (;;) {
    let at = -1;
    let found = '';
    for (const token of tokens) {
      const i = rest.indexOf(token);
      if (i >= 0 && (at < 0 || i < at)) {
        at = i;
        found = token;
      }
    }
    if (at < 0) return out + escapeTemplate(rest);
    out += beforeReference(escapeTemplate(rest.slice(0, at))) + found;
    rest = rest.slice(at + found.length);
  }
}

/**
 * Literal text that a reference follows. Trailing `$` signs would join the reference's `${` into the
 * escape `$${`; Terraform's way to write them there is an interpolation of them as a quoted string.
 */
function beforeReference(text: string): string {
  const dollars = /\$+$/.exec(text)?.[0];
  return dollars ? `${text.slice(0, -dollars.length)}\${"${dollars}"}` : text;
}

/**
 * A Terraform element's unresolved JSON with every literal escaped, object keys included (map attributes
 * such as an HA rule's `nodes` take their keys from the inventory too). Returns new objects; the input is
 * left alone, because cdktf builds it afresh on every call.
 */
export function escapeLiterals(value: unknown): unknown {
  if (typeof value === 'string') return escapeLiteralString(value);
  if (Array.isArray(value)) return value.map(escapeLiterals);
  if (value !== null && typeof value === 'object' && !Token.isUnresolved(value)) {
    const proto = Object.getPrototypeOf(value) as unknown;
    // Only plain data: a resolvable object (an expression, a lazy value) is cdktf's to resolve.
    if (proto !== Object.prototype && proto !== null) return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        escapeLiteralString(k),
        escapeLiterals(v),
      ]),
    );
  }
  return value;
}
