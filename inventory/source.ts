// A parsed YAML file that remembers where every value stood, so findings can point at line and column.
import { readFileSync } from 'node:fs';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Finding, formatPath, type Path } from './findings.ts';

export class SourceFile {
  /** Path shown in findings. */
  readonly file: string;
  readonly doc: Document;
  private readonly lines: LineCounter;

  private constructor(file: string, doc: Document, lines: LineCounter) {
    this.file = file;
    this.doc = doc;
    this.lines = lines;
  }

  /** Reads and parses; syntax errors and duplicate keys come back as findings, never as exceptions. */
  static read(path: string, shownAs: string): { source: SourceFile; findings: Finding[] } {
    return SourceFile.parse(readFileSync(path, 'utf8'), shownAs);
  }

  static parse(text: string, shownAs: string): { source: SourceFile; findings: Finding[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      uniqueKeys: false,
      prettyErrors: false,
      strict: true,
    });
    const source = new SourceFile(shownAs, doc, lines);
    const findings: Finding[] = [];
    for (const err of doc.errors) {
      const offset = err.pos[0];
      findings.push(source.findingAtOffset(offset, syntaxMessage(err.code, err.message)));
    }
    if (doc.errors.length === 0) source.findDuplicateKeys(doc.contents, [], findings);
    return { source, findings };
  }

  /** The plain data, or undefined when the file did not parse. */
  toJS(): unknown {
    return this.doc.errors.length > 0 ? undefined : this.doc.toJS({ maxAliasCount: 100 });
  }

  private position(offset: number): { line: number; col: number } {
    const pos = this.lines.linePos(offset);
    return { line: pos.line, col: pos.col };
  }

  private findingAtOffset(offset: number, message: string): Finding {
    const { line, col } = this.position(offset);
    return { severity: 'error', file: this.file, line, col, path: formatPath(this.pathAt(offset)), message };
  }

  /** The field path of the deepest node that contains an offset: where a syntax error happened. */
  private pathAt(offset: number): Path {
    const path: (string | number)[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => {
          const start = isScalar(p.key) ? (p.key.range?.[0] ?? 0) : 0;
          const value = p.value as Node | null;
          const end = value?.range?.[2] ?? (isScalar(p.key) ? (p.key.range?.[2] ?? 0) : 0);
          return offset >= start && offset <= end;
        });
        if (!pair || !isScalar(pair.key)) return path;
        path.push(String(pair.key.value));
        node = pair.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => {
          const range = (item as Node | null)?.range;
          return range != null && offset >= range[0] && offset <= range[2];
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
    let node: unknown = this.doc.contents;
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
    return this.position(offset);
  }

  finding(severity: Finding['severity'], path: Path, message: string, key = false): Finding {
    const { line, col } = this.locate(path, key);
    return { severity, file: this.file, line, col, path: formatPath(path), message };
  }
}

function syntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0] ?? message;
  // The yaml package ends its messages with "at line X, column Y", which the finding shows already.
  const plain = first.replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error (${code}): ${plain}`;
}
