// One model, derived once and passed as an argument: no code keeps a cache of derived data at module level
// (a WeakMap keyed on the inventory, a Map filled on first use, a `let` memo), since such a cache hides the
// model and ties results to object identity. Scanned with the TypeScript compiler over every product folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './helpers/layers.ts';

/**
 * The folders that read the inventory or render the model: every layer but these. Not scanned:
 * constructs/ (the escaping aspect remembers which cdktf elements it wrapped, per App) and providers/ (the
 * simulator re-reads its state file only when it changed on disk); neither holds anything derived from the
 * inventory. bench/ and test/ are tools around the product.
 */
const NOT_SCANNED = new Set(['constructs', 'providers', 'bench', 'test']);
const FOLDERS = LAYERS.filter((folder) => !NOT_SCANNED.has(folder));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const WEAK = new Set(['WeakMap', 'WeakSet', 'WeakRef']);
const COLLECTIONS = new Set(['Map', 'Set', ...WEAK]);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear']);

/** Module-level caches in `text`: weak collections anywhere, collections filled later, `let`s assigned later. */
function caches(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const line = (node: ts.Node): number =>
    source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const found: string[] = [];
  const collections = new Set<string>();
  const lets = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isLet = (statement.declarationList.flags & ts.NodeFlags.Let) !== 0;
    for (const d of statement.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue;
      if (isLet) lets.add(d.name.text);
      const init = d.initializer;
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression))
        if (COLLECTIONS.has(init.expression.text)) collections.add(d.name.text);
    }
  }
  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isIdentifier(node) && WEAK.has(node.text)) found.push(`${file}:${line(node)}  ${node.text}`);
    if (inFunction && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const target = node.expression.expression;
      if (ts.isIdentifier(target) && collections.has(target.text) && MUTATORS.has(node.expression.name.text))
        found.push(`${file}:${line(node)}  module-level ${target.text} filled at run time`);
    }
    if (inFunction && ts.isBinaryExpression(node) && ts.isIdentifier(node.left) && lets.has(node.left.text))
      if (
        node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
      )
        found.push(`${file}:${line(node)}  module-level let ${node.left.text} assigned at run time`);
    ts.forEachChild(node, (child) => visit(child, inFunction || ts.isFunctionLike(node)));
  };
  visit(source, false);
  return found;
}

describe('no module-level caches', () => {
  it('finds a WeakMap cache, a Map filled on first use and a let memo (the scan itself works)', () => {
    const weak =
      'const cache = new WeakMap<object, string>();\nexport const f = (o: object) => cache.get(o);\n';
    expect(caches('weak.ts', weak)).toEqual(['weak.ts:1  WeakMap']);
    const map =
      'const seen = new Map<string, number>();\nexport function f(k: string) {\n  seen.set(k, 1);\n}\n';
    expect(caches('map.ts', map)).toEqual(['map.ts:3  module-level seen filled at run time']);
    const memo =
      'let model: string | undefined;\nexport function f() {\n  model ??= "x";\n  return model;\n}\n';
    expect(caches('memo.ts', memo)).toEqual(['memo.ts:3  module-level let model assigned at run time']);
  });

  it('leaves constants and local maps alone', () => {
    const fine = [
      'const KINDS = new Map([["a", 1]]);',
      'export function f() {',
      '  const local = new Map<string, number>();',
      '  local.set("b", KINDS.get("a") ?? 0);',
      '  return local;',
      '}',
    ].join('\n');
    expect(caches('fine.ts', fine)).toEqual([]);
  });

  it(`has none in ${FOLDERS.join(', ')}`, () => {
    const found = FOLDERS.flatMap(tsFiles).flatMap((f) => caches(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
