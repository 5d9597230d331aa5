// The product's TypeScript files, for tests that scan all of them: every layer but test/ (test/layers.test.ts
// makes each top-level folder holding code a layer, so a new folder is covered here without an edit) and the
// top-level .ts files such as main.ts.
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { LAYERS } from './layers.ts';

export const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** The product folders: every layer but the tests. */
export const PRODUCT_FOLDERS: readonly string[] = LAYERS.filter((f) => f !== 'test');

/** The .ts files at the top of the repository (main.ts). */
export const TOP_FILES: readonly string[] = readdirSync(ROOT).filter((f) => f.endsWith('.ts'));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every product .ts file, relative to the repository root, sorted. */
export function productFiles(): string[] {
  const files = [
    ...PRODUCT_FOLDERS.flatMap((f) => tsFiles(join(ROOT, f))),
    ...TOP_FILES.map((f) => join(ROOT, f)),
  ];
  return files.map((f) => relative(ROOT, f)).sort();
}
