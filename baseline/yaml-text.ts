// Writes generated YAML fast (the Ansible playbooks and inventory, the cloud-configs, borgmatic's config): byte
// for byte what the yaml library's Document writes with lineWidth 0, for every shape the generators make, and
// an error for any other shape.
//
// Synth writes one playbook and one cloud-config per VM; building a yaml Document of nodes and stringifying it
// was half of synth's work at 10x the example. The yaml library stays the reader (tests parse the output with
// it) and the reference: libraryText() and libraryPlainText() are the old paths, and test/yaml-text.test.ts
// holds both to the same bytes. The functions below follow yaml 2's stringifyString.js, stringifyPair.js and
// stringifyCollection.js step by step, for block collections and flow lists of scalars only (no comments
// inside the document, anchors, aliases or tags but `!unsafe`), so a difference in yaml's rules shows as a
// failing comparison, not as a silent drift.
import { Document, Scalar } from 'yaml';
import { literal, UNSAFE_TAG } from './ansible-text.ts';

/** One generated YAML file before it is text: its contents, the comment above them, how null is spelled. */
export interface AnsibleYaml {
  /** A map or a list of plain data: strings (written `!unsafe`), numbers, booleans, null, plain scalars. */
  readonly contents: unknown;
  /** Comment lines above the contents, each written `#` + the line. @default none */
  readonly comment?: string;
  /** How a null value is written. @default 'null' */
  readonly nullStr?: string;
}

/** The text of a generator's own plain scalar (a Jinja expression), or undefined for any other object. */
export type PlainOf = (value: object) => string | undefined;

/** How yaml writes a string: the Scalar types the generator uses (plain is a Scalar without a type). */
type Kind = 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'PLAIN';

const INDENT_STEP = '  ';
/** yaml's own limit: a longer implicit key becomes an explicit `? key`, which this emitter does not write. */
const MAX_IMPLICIT_KEY = 1024;
/** yaml's `doubleQuotedMinMultiLineLength`: shorter double-quoted strings keep `\n` as an escape. */
const MIN_MULTI_LINE = 40;
// yaml forces double quotes on these: control characters and lone surrogates. CONTROL_OR_SURROGATE is the
// quick first look (no `u` flag, so a paired surrogate matches too, and only then CONTROL decides): the
// Unicode-aware scan of every string was a fifth of the emitter's time.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SURROGATE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\uD800-\uDFFF]/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** Text yaml never writes plain: an indicator first, `: `, ` #`, a space at either end, ... */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const SPACE_BY_NEWLINE = /[ \t]\n|\n[ \t]/;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
/**
 * yaml's short escapes for the `\uXXXX` JSON.stringify writes. (yaml also lists U+0085, U+00A0, U+2028 and
 * U+2029, which JSON.stringify never escapes, so they stay as they are in both.)
 */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '0000': '\\0',
  '0007': '\\a',
  '000b': '\\v',
  '001b': '\\e',
};
/** Plain text the schema would read as another type (`true`, `12`, `~`, `.nan`): yaml quotes it. */
const OTHER_TYPES: readonly RegExp[] = new Document().schema.tags.flatMap((tag) =>
  'test' in tag && tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test ? [tag.test] : [],
);

/** A list of scalars written in flow style, `[ a, b ]`, as yaml writes a YAMLSeq whose `flow` is set. */
export class FlowList {
  constructor(readonly items: readonly unknown[]) {}
}

function refuse(what: string): never {
  throw new Error(`the Ansible YAML emitter does not write ${what}`);
}

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\')) return json;
  const lineIndent = indent || (DOCUMENT_MARKER.test(value) ? INDENT_STEP : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // A space before a line break is escaped, or folding would eat it.
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    const next = json[i + 1];
    if (next === 'u') {
      const code = json.slice(i + 2, i + 6);
      str += json.slice(start, i);
      str += SHORT_ESCAPES[code] ?? (code.startsWith('00') ? `\\x${code.slice(2)}` : json.slice(i, i + 6));
      i += 5;
      start = i + 1;
    } else if (next === 'n' && !(implicitKey || json[i + 2] === '"' || json.length < MIN_MULTI_LINE)) {
      // A line break becomes a real one (an empty line, as folding eats the first).
      str += `${json.slice(start, i)}\n\n`;
      while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
        str += '\n';
        i += 2;
      }
      str += lineIndent;
      if (json[i + 2] === ' ') str += '\\';
      i += 1;
      start = i + 1;
    } else {
      i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || SPACE_BY_NEWLINE.test(value))
    return doubleQuoted(value, indent, implicitKey);
  const lineIndent = indent || (DOCUMENT_MARKER.test(value) ? INDENT_STEP : '');
  return `'${value.replaceAll("'", "''").replace(/\n+/g, `$&\n${lineIndent}`)}'`;
}

/** yaml's choice of quotes: single only to spare escaping a `"` in text without `'`. */
function quoted(value: string, indent: string, implicitKey: boolean): string {
  return value.includes('"') && !value.includes("'")
    ? singleQuoted(value, indent, implicitKey)
    : doubleQuoted(value, indent, implicitKey);
}

/** A `|` block: chomping from the trailing whitespace, an indentation indicator when it starts with a space. */
function blockLiteral(text: string, indent: string): string {
  // A block cannot end in whitespace after its last line break (yaml's /\n[\t ]+$/): yaml quotes it instead.
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak !== -1 && /^[\t ]+$/.test(text.slice(lastBreak + 1))) return quoted(text, indent, false);
  // Only blank lines, some with spaces ("  \n\n"): a block has no line to take its indentation from, so a
  // reader takes the spaces for indentation and drops them. yaml writes such a block anyway (it reads back
  // as "\n\n"); quoted, it reads back as it is.
  if (lastBreak !== -1 && /^[\t\n ]*$/.test(text) && text.includes(' ')) return quoted(text, indent, false);
  if (!text) return '|\n';
  let value = text;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end.endsWith('\n')) end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? (indent ? '2' : '1') : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}

/** A string yaml may write plain (a key, a Jinja expression): quoted or a block only where it must be. */
function plainScalar(value: string, indent: string, implicitKey: boolean): string {
  const multiLine = value.includes('\n');
  if (implicitKey && multiLine) return quoted(value, indent, true);
  if (NOT_PLAIN.test(value))
    return implicitKey || !multiLine ? quoted(value, indent, implicitKey) : blockLiteral(value, indent);
  if (!implicitKey && multiLine) return blockLiteral(value, indent);
  if (DOCUMENT_MARKER.test(value)) {
    if (indent === '') refuse('a plain scalar at the top level');
    if (implicitKey && indent === INDENT_STEP) return quoted(value, indent, true);
  }
  return OTHER_TYPES.some((t) => t.test(value)) ? quoted(value, indent, implicitKey) : value;
}

/** A string yaml would write plain, as an item of a flow list (yaml's plainString with ctx.inFlow). */
function flowString(value: string, indent: string): string {
  if (CONTROL_OR_SURROGATE.test(value) && CONTROL.test(value)) return doubleQuoted(value, indent, false);
  if (/[[\]{},]/.test(value) || NOT_PLAIN.test(value)) return quoted(value, indent, false);
  const str = value.replace(/\n+/g, `$&\n${indent}`);
  return OTHER_TYPES.some((t) => t.test(str)) ? quoted(value, indent, false) : str;
}

function stringScalar(value: string, kind: Kind, indent: string, implicitKey: boolean): string {
  const forced = kind !== 'QUOTE_DOUBLE' && CONTROL_OR_SURROGATE.test(value) && CONTROL.test(value);
  const type = forced ? 'QUOTE_DOUBLE' : kind;
  if (type === 'QUOTE_DOUBLE') return doubleQuoted(value, indent, implicitKey);
  if (type === 'BLOCK_LITERAL')
    return implicitKey ? quoted(value, indent, true) : blockLiteral(value, indent);
  return plainScalar(value, indent, implicitKey);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

const isPlainObject = (value: object): value is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/** A Scalar node as literal() makes it: `!unsafe`, a string, double-quoted or a literal block, nothing else. */
function unsafeNode(node: Scalar): string | undefined {
  const plainNode = !node.anchor && !node.comment && !node.commentBefore && !node.spaceBefore;
  const kind = node.type === 'QUOTE_DOUBLE' || node.type === 'BLOCK_LITERAL' ? node.type : undefined;
  return node.tag === UNSAFE_TAG && typeof node.value === 'string' && plainNode && kind ? kind : undefined;
}

/** How the emitter writes a string: `!unsafe` (Ansible), or as yaml writes a plain JS string. */
type Strings = 'unsafe' | 'plain';

class Emitter {
  /** Collections written so far, with plain strings: yaml would write an alias for one seen twice. */
  private readonly seen = new Set<object>();

  constructor(
    private readonly plainOf: PlainOf,
    private readonly nullStr: string,
    private readonly strings: Strings,
  ) {}

  /** A value's text, its lines after the first indented by `indent` (yaml's ctx.indent for the node). */
  node(value: unknown, indent: string): string {
    if (typeof value === 'string') {
      if (this.strings === 'plain') return stringScalar(value, 'PLAIN', indent, false);
      const kind = value.includes('\n') ? 'BLOCK_LITERAL' : 'QUOTE_DOUBLE';
      return `${UNSAFE_TAG} ${stringScalar(value, kind, indent, false)}`;
    }
    if (typeof value === 'number') return numberText(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return this.nullStr;
    if (typeof value === 'object' && this.strings === 'plain') {
      // The Ansible path clones every collection first (libraryNodes), so only here would yaml alias one.
      if (this.seen.has(value)) refuse('the same object twice (yaml would write an alias)');
      this.seen.add(value);
    }
    if (Array.isArray(value)) return this.seq(value, indent);
    if (value instanceof FlowList) return this.flow(value.items, indent);
    if (typeof value === 'object') {
      const plain = this.plainOf(value);
      if (plain !== undefined) return stringScalar(plain, 'PLAIN', indent, false);
      if (value instanceof Scalar) {
        const kind = unsafeNode(value);
        if (!kind)
          refuse(`a Scalar node other than literal()'s (tag ${String(value.tag)}, type ${value.type})`);
        return `${UNSAFE_TAG} ${stringScalar(value.value as string, kind as Kind, indent, false)}`;
      }
      if (isPlainObject(value)) return this.map(value, indent);
      refuse(`an object of class ${value.constructor.name}`);
    }
    return refuse(`a value of type ${typeof value}`);
  }

  private seq(items: readonly unknown[], indent: string): string {
    if (items.length === 0) return '[]';
    const itemIndent = indent + INDENT_STEP;
    let str = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item === undefined) refuse('undefined (or a hole) in a list');
      const line = `- ${this.node(item, itemIndent)}`;
      str += i === 0 ? line : `\n${indent}${line}`;
    }
    return str;
  }

  /** yaml's stringifyFlowCollection for a list of scalars: one line, or one item a line if any has a break. */
  private flow(items: readonly unknown[], indent: string): string {
    if (items.length === 0) return '[]';
    const itemIndent = indent + INDENT_STEP + INDENT_STEP;
    const lines = items.map(
      (item, i) => `${this.flowItem(item, itemIndent)}${i < items.length - 1 ? ',' : ''}`,
    );
    if (!lines.some((line) => line.includes('\n'))) return `[ ${lines.join(' ')} ]`;
    return `[${lines.map((line) => `\n${INDENT_STEP}${indent}${line}`).join('')}\n${indent}]`;
  }

  private flowItem(item: unknown, indent: string): string {
    if (typeof item === 'string' && this.strings === 'plain') return flowString(item, indent);
    if (typeof item === 'number' || typeof item === 'boolean' || item === null)
      return this.node(item, indent);
    return refuse(`${typeof item === 'string' ? 'an !unsafe string' : 'a non-scalar'} in a flow list`);
  }

  private map(object: Record<string, unknown>, indent: string): string {
    const pairIndent = indent + INDENT_STEP;
    let str = '';
    let pairs = 0;
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue; // yaml leaves such a key out
      const keyText = stringScalar(key, 'PLAIN', pairIndent, true);
      if (keyText.length > MAX_IMPLICIT_KEY) refuse(`a key longer than ${MAX_IMPLICIT_KEY} characters`);
      const valueText = this.node(value, pairIndent);
      const line = `${keyText}:${this.separator(value, valueText, pairIndent)}${valueText}`;
      str += pairs++ === 0 ? line : `\n${indent}${line}`;
    }
    return pairs === 0 ? '{}' : str;
  }

  /** What goes between `key:` and the value: a line break for a non-empty collection, else a space or nothing. */
  private separator(value: unknown, text: string, pairIndent: string): string {
    const collection =
      Array.isArray(value) ||
      (typeof value === 'object' &&
        value !== null &&
        !(value instanceof Scalar) &&
        this.plainOf(value) === undefined);
    // An empty collection is written in flow style (`[]`, `{}`) on the key's line, a flow list too unless
    // it spans lines.
    if (value instanceof FlowList) return text.includes('\n') ? `\n${pairIndent}` : ' ';
    if (collection) return text === '[]' || text === '{}' ? ' ' : `\n${pairIndent}`;
    return text === '' || text.startsWith('\n') ? '' : ' ';
  }
}

/** yaml's comment lines: `#` before each non-empty line (a lone space becomes `#`), empty lines kept. */
function commentText(comment: string): string {
  const text = comment.replace(/^(?!$)(?: $)?/gm, '#');
  return /^\n+$/.test(text) ? text.substring(1) : text;
}

/** The text of one generated YAML file, as the yaml library writes it (libraryText), only faster. */
export function emitAnsibleYaml(doc: AnsibleYaml, plainOf: PlainOf): string {
  const { contents } = doc;
  const collection =
    Array.isArray(contents) ||
    (typeof contents === 'object' &&
      contents !== null &&
      isPlainObject(contents) &&
      plainOf(contents) === undefined);
  if (!collection) refuse('a document that is not a map or a list');
  const body = new Emitter(plainOf, doc.nullStr ?? 'null', 'unsafe').node(contents, '');
  return doc.comment ? `${commentText(doc.comment)}\n\n${body}\n` : `${body}\n`;
}

const noPlainScalars: PlainOf = () => undefined;

/**
 * Plain data (strings written as yaml writes JS strings, FlowList for a flow list) as yaml's
 * `stringify(contents, { lineWidth: 0 })` writes it (libraryPlainText), only faster.
 */
export function emitPlainYaml(contents: Readonly<Record<string, unknown>>): string {
  if (!isPlainObject(contents)) refuse('a document that is not a map');
  return `${new Emitter(noPlainScalars, 'null', 'plain').node(contents, '')}\n`;
}

/** The same through the yaml library's Document: the reference emitPlainYaml is tested against. */
export function libraryPlainText(contents: Readonly<Record<string, unknown>>): string {
  const doc = new Document();
  const convert = (value: unknown): unknown => {
    if (value instanceof FlowList) {
      const seq = doc.createNode(value.items.map(convert));
      seq.flow = true;
      return seq;
    }
    if (Array.isArray(value)) return value.map(convert);
    if (value !== null && typeof value === 'object' && isPlainObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
    return value;
  };
  doc.contents = doc.createNode(convert(contents));
  return doc.toString({ lineWidth: 0 });
}

/**
 * The yaml library's nodes for a generated file's value: every string a `!unsafe` literal, a generator's
 * plain scalar an untagged Scalar, Scalar nodes as they are; keys stay plain.
 */
export function libraryNodes(value: unknown, plainOf: PlainOf): unknown {
  if (typeof value === 'string') return literal(value);
  if (value !== null && typeof value === 'object') {
    const plain = plainOf(value);
    if (plain !== undefined) return new Scalar(plain);
    if (value instanceof Scalar) return value;
    if (Array.isArray(value)) return value.map((v: unknown) => libraryNodes(v, plainOf));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, libraryNodes(v, plainOf)]));
  }
  return value;
}

/** The same file through the yaml library's Document: the reference emitAnsibleYaml is tested against. */
export function libraryText(doc: AnsibleYaml, plainOf: PlainOf): string {
  const document = new Document(libraryNodes(doc.contents, plainOf));
  if (doc.comment) document.commentBefore = doc.comment;
  return document.toString({ lineWidth: 0, ...(doc.nullStr !== undefined ? { nullStr: doc.nullStr } : {}) });
}
