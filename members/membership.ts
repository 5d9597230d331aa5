// Applies an edit of members.yaml the safe way: the edited inventory is checked in a scratch copy first, and
// the file is replaced only when the check passes, so a bad onboarding writes nothing.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../inventory/findings.ts';
import { type Inventory } from '../inventory/inventory.ts';
import type { Model } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';

export interface EditResult {
  /** Findings of the edited inventory, shown as if in `dir`. */
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** The inventory before the edit (undefined when it did not load). */
  readonly before?: Inventory;
  /** The edited inventory; present only when it loads without errors and the file was written. */
  readonly after?: Inventory;
  /** The models load derived from `before` and `after`, present with them. */
  readonly beforeModel?: Model;
  readonly afterModel?: Model;
}

export function membersFile(dir: string): string {
  return join(dir, 'members.yaml');
}

export function applyMembersEdit(dir: string, edit: (text: string) => string, today?: string): EditResult {
  const options = today ? { today } : {};
  const file = membersFile(dir);
  const text = readFileSync(file, 'utf8');
  const edited = edit(text);
  // An expired membership is what an offboarding fixes: judge the old file as of a day before any expiry.
  const old = loadInventory(dir, { today: '1970-01-01' }).model;
  const was = old ? { before: old.inventory, beforeModel: old } : {};
  const scratch = mkdtempSync(join(tmpdir(), 'members-edit-'));
  try {
    for (const entry of readdirSync(dir))
      if (/\.ya?ml$/.test(entry)) copyFileSync(join(dir, entry), join(scratch, entry));
    writeFileSync(membersFile(scratch), edited);
    const result = loadInventory(scratch, options);
    const shown = (f: Finding): Finding =>
      f.file.startsWith(scratch) ? { ...f, file: join(dir, f.file.slice(scratch.length + 1)) } : f;
    const errors = result.errors.map(shown);
    const warnings = result.warnings.map(shown);
    if (!result.model) return { errors, warnings, ...was };
    // Replace, never truncate-and-write: a crash leaves the old file or the new one, not half of one.
    const next = `${file}.tmp-${process.pid}`;
    writeFileSync(next, edited);
    renameSync(next, file);
    return { errors, warnings, ...was, after: result.model.inventory, afterModel: result.model };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function membersFileExists(dir: string): boolean {
  return existsSync(membersFile(dir));
}
