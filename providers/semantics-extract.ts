// Reads a provider's Go schema definitions as text and finds, per attribute, where it forces replacement, its default and its validators.
//
// It understands the two ways the pinned providers write a schema: terraform-plugin-sdk/v2
// (`"name": { ... ForceNew: true, Default: x, ValidateFunc: f }`, keys often Go constants such as
// `mkResourceVirtualEnvironmentUserUserID = "user_id"`) and terraform-plugin-framework
// (`"name": schema.StringAttribute{ ... stringplanmodifier.RequiresReplace(), Default: booldefault.StaticBool(true) }`).
// It reads text, not Go: what it cannot resolve (a default computed by a function, a replacement decided
// in CustomizeDiff or a plan modifier with a condition) is reported as an expression for a person to review.

/** One finding, with the 1-based line of the file it was read from. */
export interface ExtractedRule {
  /** Attribute path with nested block names, dot-separated: `clone.vm_id`. */
  readonly attribute: string;
  readonly line: number;
}

export interface ExtractedDefault extends ExtractedRule {
  /** The value when the Go expression is a literal (or a constant holding one). */
  readonly value?: string | number | boolean;
  /** The Go expression as written. */
  readonly expression: string;
}

export interface ExtractedValidator extends ExtractedRule {
  readonly expression: string;
}

export interface Extracted {
  readonly replace: readonly ExtractedRule[];
  /** Replacement decided by a condition (RequiresReplaceIf…): reviewed by hand. */
  readonly replaceIf: readonly ExtractedValidator[];
  readonly defaults: readonly ExtractedDefault[];
  readonly validators: readonly ExtractedValidator[];
}

/** `mkFoo = "foo"` and `dvFoo = true` declarations of the file: what a key or a default refers to. */
export function goConstants(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(/^\s*([A-Za-z_]\w*)\s*(?:[A-Za-z_][\w.]*\s*)?=\s*(.+?)\s*$/gm)) {
    const value = m[2]!;
    if (/^("([^"\\]|\\.)*"|true|false|-?\d+(\.\d+)?)$/.test(value)) out.set(m[1]!, value);
  }
  return out;
}

/** A Go literal as a JSON value; undefined for anything else. */
export function goLiteral(
  text: string,
  constants: Map<string, string>,
): string | number | boolean | undefined {
  const resolved = constants.get(text) ?? text;
  if (resolved === 'true') return true;
  if (resolved === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(resolved)) return Number(resolved);
  if (/^"([^"\\]|\\.)*"$/.test(resolved)) return JSON.parse(resolved) as string;
  return undefined;
}

/** A line without its string literals and comment, so braces in descriptions do not count. */
const codeOf = (line: string): string =>
  line
    .replace(/"([^"\\]|\\.)*"/g, '""')
    .replace(/`[^`]*`/g, '""')
    .replace(/\/\/.*$/, '');

const count = (text: string, ch: string): number => text.split(ch).length - 1;

// A schema key opening its definition: `"name": {`, `mkName: {`, `"name": schema.StringAttribute{`.
const KEY =
  /^\s*(?:"([a-z_][a-z0-9_]*)"|([A-Za-z_]\w*))\s*:\s*(?:&?[\w.]*(?:Attribute|Block|Schema)\s*)?\{\s*$/;

const defaultValue = (
  expression: string,
  constants: Map<string, string>,
): string | number | boolean | undefined => {
  const framework = /^\w+default\.Static\w+\((.+)\)$/.exec(expression);
  return goLiteral(framework ? framework[1]! : expression, constants);
};

/** Every replacement rule, default and validator of the schema definitions in one Go file. */
export function extractSemantics(source: string, shared: ReadonlyMap<string, string> = new Map()): Extracted {
  const constants = new Map([...shared, ...goConstants(source)]);
  const stack: { name: string; depth: number }[] = [];
  const replace: ExtractedRule[] = [];
  const replaceIf: ExtractedValidator[] = [];
  const defaults: ExtractedDefault[] = [];
  const validators: ExtractedValidator[] = [];
  let depth = 0;
  let inRawString = false;
  const lines = source.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    // Multi-line raw strings (long descriptions) hold no code.
    if (inRawString) {
      if (count(raw, '`') % 2 === 1) inRawString = false;
      return;
    }
    const code = codeOf(raw);
    if (count(code, '`') % 2 === 1) inRawString = true;
    const key = KEY.exec(raw);
    const attribute = (): string => stack.map((s) => s.name).join('.');
    if (key) {
      const literal = key[1] ?? goLiteral(key[2]!, constants);
      // A key that is not an attribute name (`Schema: map…{`, `Elem: &schema.Resource{`) only opens a brace.
      if (typeof literal === 'string' && /^[a-z_][a-z0-9_]*$/.test(literal))
        stack.push({ name: literal, depth: depth + 1 });
    } else if (stack.length > 0) {
      const trimmed = raw.trim();
      if (/^ForceNew:\s*true\b/.test(trimmed) || /\.RequiresReplace\(\)/.test(trimmed))
        replace.push({ attribute: attribute(), line });
      else if (/\.RequiresReplaceIf\w*\(/.test(trimmed))
        replaceIf.push({ attribute: attribute(), line, expression: trimmed.replace(/,$/, '') });
      const def = /^Default:\s*(.+?),?$/.exec(trimmed);
      if (def) {
        const value = defaultValue(def[1]!, constants);
        defaults.push({
          attribute: attribute(),
          line,
          expression: def[1]!,
          ...(value !== undefined ? { value } : {}),
        });
      }
      const validate = /^(ValidateFunc|ValidateDiagFunc|Validators):\s*(.+?),?$/.exec(trimmed);
      if (validate) validators.push({ attribute: attribute(), line, expression: validate[2]! });
    }
    depth += count(code, '{') - count(code, '}');
    while (stack.length > 0 && depth < stack[stack.length - 1]!.depth) stack.pop();
  });
  return { replace, replaceIf, defaults, validators };
}
