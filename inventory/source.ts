// A parsed YAML file that remembers where every value stood, so findings can point at line and column.
import {
  type Document,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  visit,
  type YAMLError,
} from 'yaml';
import { dirname } from 'node:path';
import { readInventoryFile } from './files.ts';
import { type Finding, formatPath, type Path } from './findings.ts';

export class SourceFile {
  /** Path shown in findings. */
  readonly file: string;
  readonly doc: Document;
  private readonly text: string;
  private readonly lines: LineCounter;
  /** The plain data; undefined when the file did not parse or its aliases do not resolve. */
  private data: unknown;

  private constructor(file: string, text: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
  }

  /**
   * Reads (through readInventoryFile: regular files inside `dir`, by default the file's own directory) and
   * parses; every problem comes back as a finding, never as an exception, and never quotes a non-YAML file.
   */
  static read(
    path: string,
    shownAs: string,
    dir = dirname(path),
  ): { source: SourceFile; findings: Finding[] } {
    const read = readInventoryFile(dir, path);
    if ('problem' in read) {
      const { source } = SourceFile.parse('', shownAs);
      return { source, findings: [source.findingAtOffset(0, read.problem)] };
    }
    return SourceFile.parse(read.text, shownAs);
  }

  static parse(text: string, shownAs: string): { source: SourceFile; findings: Finding[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      uniqueKeys: false,
      prettyErrors: false,
      strict: true,
    });
    const source = new SourceFile(shownAs, text, doc, lines);
    const findings: Finding[] = doc.errors.map((err) => source.syntaxFinding(err));
    // Warnings are errors here: an unknown tag (`!!js/function`) would otherwise be read as plain text.
    findings.push(...doc.warnings.map((w) => source.syntaxFinding(w)));
    if (findings.length > 0) return { source, findings };
    source.findDuplicateKeys(doc.contents, [], findings);
    source.findReservedKeys(findings);
    source.findUnresolvedAliases(findings);
    if (findings.length > 0) return { source, findings };
    try {
      source.data = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      // Aliases nested beyond maxAliasCount (a "billion laughs" file) end here, as a finding.
      findings.push(source.findingAtOffset(0, `YAML error: ${(err as Error).message}`));
    }
    return { source, findings };
  }

  /** The plain data, or undefined when the file did not parse. */
  toJS(): unknown {
    return this.data;
  }

  private position(offset: number): { line: number; col: number } {
    const pos = this.lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  }

  private findingAtOffset(offset: number, message: string): Finding {
    const { line, col } = this.position(offset);
    return { severity: 'error', file: this.file, line, col, path: formatPath(this.pathAt(offset)), message };
  }

  /**
   * A syntax error where a person would look for it: the yaml package reports an unclosed bracket or
   * quote where it gave up (often the next line), so those point back at the opening character.
   */
  private syntaxFinding(err: YAMLError): Finding {
    const offset = err.pos[0];
    const flow = /^Flow (sequence|map)\b.*end with a ([\]}])$/.exec(err.message.split('\n')[0] ?? '');
    if (flow) {
      const open = flow[2] === ']' ? '[' : '{';
      const start = this.unclosed(offset, (node) => isCollection(node) && node.flow === true, open, flow[2]!);
      if (start !== undefined) {
        const gaveUp = this.position(offset);
        const where =
          gaveUp.line === this.position(start).line
            ? `at column ${gaveUp.col}`
            : `before line ${gaveUp.line}`;
        return this.findingAtOffset(
          start,
          `YAML syntax error (${err.code}): "${open}" is not closed; expected "${flow[2]}" ${where}`,
        );
      }
    }
    const quote = /^Missing closing (["'])quote/.exec(err.message);
    if (quote) {
      const mark = quote[1]!;
      const type = mark === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
      const start = this.unclosed(offset, (node) => isScalar(node) && node.type === type, mark, mark);
      if (start !== undefined)
        return this.findingAtOffset(
          start,
          `YAML syntax error (${err.code}): the quote ${mark} is not closed; expected a closing ${mark}`,
        );
    }
    return this.findingAtOffset(offset, syntaxMessage(err.code, err.message));
  }

  /** Start of the innermost node of a kind that opens with `open`, spans `offset` and does not end with `close`. */
  private unclosed(
    offset: number,
    kind: (node: Node) => boolean,
    open: string,
    close: string,
  ): number | undefined {
    let best: number | undefined;
    visit(this.doc, {
      Node: (_key, node) => {
        const range = node.range;
        if (!range || !kind(node) || this.text[range[0]] !== open) return;
        const source = this.text.slice(range[0], range[1]).trimEnd();
        const closed = source.length > 1 && source.endsWith(close);
        if (!closed && range[0] < offset && offset <= range[2] + 1 && (best === undefined || range[0] > best))
          best = range[0];
      },
    });
    return best;
  }

  /** Keys that JavaScript gives a meaning of its own: `__proto__` would be dropped or change an object's prototype. */
  private findReservedKeys(findings: Finding[]): void {
    visit(this.doc, {
      Pair: (_key, pair) => {
        if (!isScalar(pair.key) || !RESERVED_KEYS.has(String(pair.key.value))) return;
        const offset = pair.key.range?.[0] ?? 0;
        const { line, col } = this.position(offset);
        findings.push({
          severity: 'error',
          file: this.file,
          line,
          col,
          path: formatPath(this.pathAt(offset)),
          message: `"${String(pair.key.value)}" is not allowed as a key (it means something else to JavaScript); expected a field name`,
        });
      },
    });
  }

  /** `*name` without an earlier `&name`: the yaml package would throw on toJS, so report it instead. */
  private findUnresolvedAliases(findings: Finding[]): void {
    visit(this.doc, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.doc) === undefined)
          findings.push(
            this.findingAtOffset(
              alias.range?.[0] ?? 0,
              `YAML error: alias *${alias.source} has no anchor &${alias.source} before it; expected an anchor defined earlier in the file`,
            ),
          );
      },
    });
  }

  /** The field path of the deepest node that contains an offset: where a syntax error happened. */
  private pathAt(offset: number): Path {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        // An error on a key's first character is about the mapping holding the key, not about its value.
        const pair = node.items.find((p) => {
          const start = isScalar(p.key) ? (p.key.range?.[0] ?? 0) : 0;
          const value = p.value as Node | null;
          const end = value?.range?.[1] ?? (isScalar(p.key) ? (p.key.range?.[1] ?? 0) : 0);
          return offset > start && offset <= end;
        });
        if (!pair || !isScalar(pair.key)) return path;
        path.push(String(pair.key.value));
        node = pair.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => {
          const range = (item as Node | null)?.range;
          return range != null && offset >= range[0] && offset <= range[1];
        });
        if (index < 0) return path;
        path.push(index);
        node = node.items[index];
      } else {
        return path;
      }
    }
  }

  private findDuplicateKeys(node: unknown, path: Path, findings: Finding[]): void {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? 0;
        const first = seen.get(key);
        if (first !== undefined) {
          const { line, col } = this.position(offset);
          findings.push({
            severity: 'error',
            file: this.file,
            line,
            col,
            path: formatPath([...path, key]),
            message: `duplicate key "${key}" (first at line ${this.position(first).line}); expected each key once`,
          });
        } else {
          seen.set(key, offset);
        }
        this.findDuplicateKeys(pair.value, [...path, key], findings);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        this.findDuplicateKeys(item, [...path, i], findings);
      });
    }
  }

  /**
   * Line and column of the value at `path`; with `key`, of the key that names it (for unknown fields).
   * A path that does not exist (a missing field) points at the deepest part that does.
   */
  locate(path: Path, key = false): { line: number; col: number } {
    return this.position(locateOffset(this.doc, path, key));
  }

  finding(severity: Finding['severity'], path: Path, message: string, key = false): Finding {
    const { line, col } = this.locate(path, key);
    return { severity, file: this.file, line, col, path: formatPath(path), message };
  }
}

/** Object keys with a meaning of their own in JavaScript. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return `YAML syntax error (${code}): a second document starts here; expected one document per file`;
  const first = message.split('\n')[0] ?? message;
  // The yaml package ends its messages with "at line X, column Y", which the finding shows already.
  const plain = first.replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error (${code}): ${plain}`;
}

/**
 * Offset of the value at `path` in a document; with `key`, of the key that names it (for unknown fields).
 * A path that does not exist (a missing field) points at the deepest part that does.
 */
export function locateOffset(doc: Document, path: Path, key = false): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) break;
      const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const valueOffset = (pair.value as Node | null)?.range?.[0];
      offset = (last && key ? keyOffset : (valueOffset ?? keyOffset)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
