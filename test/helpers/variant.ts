// Small inventories for tests: test/fixtures/inventory/base/ copied to a temporary directory, then edited.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { formatFinding } from '../../inventory/findings.ts';
import type { LoadResult } from '../../inventory/inventory.ts';
import { loadInventory } from '../../model/load.ts';

export const BASE = join(import.meta.dirname, '..', 'fixtures', 'inventory', 'base');

export type InventoryFileName = 'org.yaml' | 'sites.yaml' | 'networks.yaml' | 'clusters.yaml' | 'vms.yaml';

/** One edit: set the value at a path of a file (`['vms', 0, 'notes']`). */
export interface Edit {
  readonly file: InventoryFileName;
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

const dirs: string[] = [];

/** The fixture with services (test/fixtures/services/good/). */
export const WITH_SERVICES = join(import.meta.dirname, '..', 'fixtures', 'services', 'good');

/** A copy of base/ (or another fixture) with the edits applied; removed by `removeVariants`. */
export function variantDir(edits: readonly Edit[] = [], from = BASE): string {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-variant-'));
  dirs.push(dir);
  cpSync(from, dir, { recursive: true });
  const byFile = new Map<InventoryFileName, Edit[]>();
  for (const edit of edits) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  for (const [file, list] of byFile) {
    const doc = parseDocument(readFileSync(join(dir, file), 'utf8'));
    for (const edit of list) doc.setIn(edit.path, edit.value);
    writeFileSync(join(dir, file), doc.toString({ lineWidth: 0 }));
  }
  return dir;
}

export function removeVariants(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Loads a variant and returns its findings as `npm run check` prints them, paths relative to it. */
export function findingsOf(dir: string): { result: LoadResult; lines: string[] } {
  const result = loadInventory(dir);
  const lines = [...result.errors, ...result.warnings].map((f) => formatFinding(f).replace(`${dir}/`, ''));
  return { result, lines };
}

/** The findings of base/ with some edits. */
export function check(edits: readonly Edit[]): string[] {
  return findingsOf(variantDir(edits)).lines;
}
