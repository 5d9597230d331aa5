// No function in the model's folders grows past ~80 lines, so a reader can hold any one of them in mind;
// a longer one is split into named helpers. Scanned with the TypeScript compiler, not by counting braces.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const FOLDERS = ['inventory', 'services', 'baseline', 'monitoring', 'model', 'cli'];
const MAX_LINES = 80;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
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

  it(`keeps every function of ${FOLDERS.join(', ')} within ${MAX_LINES} lines`, () => {
    const long = FOLDERS.flatMap(tsFiles).flatMap((f) => longFunctions(f, readFileSync(f, 'utf8')));
    expect(long).toEqual([]);
  });
});
