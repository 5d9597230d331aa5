// Imports flow one way: a folder imports only folders listed before it in LAYERS (test/helpers/layers.ts), and
// no folders import each other in a cycle. A new upward import fails here, naming the file and the import; so
// does an import of the provider bindings anywhere but constructs/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYERS } from './helpers/layers.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly where: string;
}

/** Every import of one folder's code from another folder's, with the importing file and specifier. */
function folderImports(folders: readonly string[]): Edge[] {
  const edges: Edge[] = [];
  for (const folder of folders) {
    for (const file of sourceFiles(join(ROOT, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom '(\.[^']+)'/gms)) {
        const target = relative(ROOT, normalize(join(dirname(file), m[1]!))).split('/')[0]!;
        if (target !== folder && folders.includes(target))
          edges.push({ from: folder, to: target, where: `${relative(ROOT, file)} imports ${m[1]}` });
      }
    }
  }
  return edges;
}

/** Folder cycles found by depth-first search, each as `a -> b -> a`. */
function cycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
  const found = new Set<string>();
  const walk = (node: string, path: string[]): void => {
    for (const to of next.get(node) ?? []) {
      const at = path.indexOf(to);
      if (at >= 0) found.add([...path.slice(at), to].join(' -> '));
      else walk(to, [...path, to]);
    }
  };
  for (const start of next.keys()) walk(start, [start]);
  return [...found].sort();
}

const order = LAYERS;
// test/ sits at the bottom and may import anything; its helpers are not a layer of the product.
const folders = order.filter((f) => f !== 'test');

/** Imports of the provider bindings (`.gen/`, `@cdktf/provider-*`) by code outside constructs/ (and main.ts). */
function bindingImports(files: readonly { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    if (path.startsWith('constructs/')) continue;
    for (const m of text.matchAll(
      /^(?:import|export)\b[^;]*?\bfrom '([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gms,
    )) {
      const specifier = m[1] ?? m[2]!;
      if (/(^|\/)\.gen\//.test(specifier) || /^@cdktf\/provider-(?!generator)/.test(specifier))
        found.push(`${path} imports ${specifier}`);
    }
  }
  return found;
}

describe('layering', () => {
  it('lists every top-level folder of code as a layer, once', () => {
    const withCode = readdirSync(ROOT).filter(
      (entry) =>
        !entry.startsWith('.') &&
        entry !== 'node_modules' &&
        !entry.startsWith('cdktf.out') &&
        statSync(join(ROOT, entry)).isDirectory() &&
        sourceFiles(join(ROOT, entry)).length > 0,
    );
    expect([...order].sort()).toEqual(withCode.sort());
    expect(new Set(order).size).toBe(order.length);
  });

  it('imports only from folders above in the layout table', () => {
    const upward = folderImports(folders)
      .filter((e) => order.indexOf(e.to) > order.indexOf(e.from))
      .map((e) => `${e.where}: ${e.from}/ is above ${e.to}/ in LAYERS (test/helpers/layers.ts)`);
    expect(upward).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    expect(cycles(folderImports(folders))).toEqual([]);
  });

  it('lets only constructs/ import the provider bindings (.gen/ and @cdktf/provider-*)', () => {
    const files = [...folders.flatMap((f) => sourceFiles(join(ROOT, f))), join(ROOT, 'main.ts')].map(
      (file) => ({
        path: relative(ROOT, file),
        text: readFileSync(file, 'utf8'),
      }),
    );
    expect(
      files.some((f) => f.path.startsWith('constructs/') && bindingImports([{ ...f, path: 'x' }]).length > 0),
    ).toBe(true);
    expect(bindingImports(files)).toEqual([]);
  });

  it('would catch a stack importing a binding', () => {
    const stack = [
      "import { Harule } from '../.gen/providers/proxmox/harule/index.ts';",
      "import { DnsProvider } from '@cdktf/provider-dns/lib/provider/index.js';",
      "import { generateProviderBindingsFromSchema } from '@cdktf/provider-generator';",
    ].join('\n');
    expect(bindingImports([{ path: 'stacks/X.ts', text: stack }])).toEqual([
      'stacks/X.ts imports ../.gen/providers/proxmox/harule/index.ts',
      'stacks/X.ts imports @cdktf/provider-dns/lib/provider/index.js',
    ]);
    expect(bindingImports([{ path: 'constructs/X.ts', text: stack }])).toEqual([]);
  });

  it('would catch an upward import and a cycle', () => {
    const edges: Edge[] = [
      { from: 'inventory', to: 'services', where: 'x' },
      { from: 'services', to: 'baseline', where: 'y' },
      { from: 'baseline', to: 'inventory', where: 'z' },
    ];
    expect(cycles(edges)).toContain('inventory -> services -> baseline -> inventory');
    expect(edges.filter((e) => order.indexOf(e.to) > order.indexOf(e.from))).toHaveLength(2);
  });
});
