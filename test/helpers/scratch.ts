// Temporary folders that a helper makes for a test file without a cleanup of its own (fixture copies,
// cdktf's Testing outdirs): each is listed here, and the worker setup (test/setup-cdktf.ts) removes them all
// after the file's tests, whether they passed or not.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new folder `$TMPDIR/<prefix>XXXXXX`, removed after the test file. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The folders made so far and not yet removed. */
export function scratchDirs(): readonly string[] {
  return [...made];
}

/** Removes every folder made so far. */
export function removeScratchDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
