// Loads the inventory as it was at a git revision (for the review's "before" side), without a worktree.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory, type ModelLoadResult } from '../model/load.ts';

/**
 * The inventory directory `dir` (relative to the repository root) at `ref`, loaded; undefined when `ref` has no
 * such directory. Expiry is not judged: an expired membership before the change is not the change's problem.
 */
export function inventoryAt(cwd: string, ref: string, dir: string): ModelLoadResult | undefined {
  const scratch = mkdtempSync(join(tmpdir(), 'inventory-at-'));
  try {
    const archive = spawnSync('git', ['archive', '--format=tar', ref, '--', dir], {
      cwd,
      maxBuffer: 1 << 28,
    });
    if (archive.status !== 0) return undefined;
    const tar = spawnSync('tar', ['-x', '-C', scratch], { input: archive.stdout });
    if (tar.status !== 0) return undefined;
    return loadInventory(join(scratch, dir), { today: '1970-01-01' });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
