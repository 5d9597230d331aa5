// No function of the product code grows past ~80 lines, so a reader can hold any one of them in mind;
// a longer one is split into named helpers. Scanned with the TypeScript compiler, not by counting braces.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PRODUCT_FOLDERS, productFiles, ROOT, TOP_FILES } from './helpers/product-files.ts';

const MAX_LINES = 80;

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
    expect(new Set(scanned.map((f) => f.split('/')[0]))).toEqual(new Set([...PRODUCT_FOLDERS, ...TOP_FILES]));
  });

  it(`keeps every function of the product code within ${MAX_LINES} lines`, () => {
    const long = productFiles().flatMap((f) => longFunctions(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(long).toEqual([]);
  });
});
