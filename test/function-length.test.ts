// No function of the product code grows past ~80 lines, so a reader can hold any one of them in mind;
// a longer one is split into named helpers. Scanned with the TypeScript compiler, not by counting braces.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './helpers/layers.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
// Every layer but the tests: test/layers.test.ts makes each top-level folder holding code a layer, so a new
// folder is covered here without editing this file. The top-level .ts files (main.ts) are product code too.
const FOLDERS = LAYERS.filter((f) => f !== 'test');
const TOP_FILES = readdirSync(ROOT).filter((f) => f.endsWith('.ts'));
const MAX_LINES = 80;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The product's .ts files, relative to the repository root. */
function productFiles(): string[] {
  const files = [...FOLDERS.flatMap((f) => tsFiles(join(ROOT, f))), ...TOP_FILES.map((f) => join(ROOT, f))];
  return files.map((f) => relative(ROOT, f)).sort();
}

/** Every function (declaration, expression, arrow, method) of `text` longer than `max` lines. */
function longFunctions(file: string, text: string, max = MAX_LINES): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > max) found.push(`${file}:${start + 1}  ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length', () => {
  it('finds a function over the limit (the scan itself works)', () => {
    const long = `export const f = () => {\n${'  x();\n'.repeat(90)}};\nfunction g() {\n  return 1;\n}\n`;
    expect(longFunctions('f.ts', long)).toEqual(['f.ts:1  92 lines']);
    expect(longFunctions('g.ts', 'function g() {\n  return 1;\n}\n')).toEqual([]);
  });

  it('scans every product folder, their subfolders and main.ts, but not the tests', () => {
    const scanned = productFiles();
    expect(scanned).toContain('main.ts');
    expect(scanned).toContain('providers/simulator/server.ts');
    expect(new Set(scanned.map((f) => f.split('/')[0]))).toEqual(new Set([...FOLDERS, ...TOP_FILES]));
  });

  it(`keeps every function of the product code within ${MAX_LINES} lines`, () => {
    const long = productFiles().flatMap((f) => longFunctions(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(long).toEqual([]);
  });
});
