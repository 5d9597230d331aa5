// A lock between test runs on one machine (flock(1) on a file): the kernel drops it when its holder dies, so
// a killed run never leaves a stale lock behind, and a waiting run waits for the holder, not for a time.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** Blocks until this process holds the exclusive lock on `file` (created if missing); returns its release. */
export function holdLock(file: string): () => void {
  const fd = openSync(file, 'a');
  // flock locks the open file description it inherits as fd 3, which this process shares: the lock stays
  // when flock exits and goes with closeSync (or this process's end).
  const r = spawnSync('flock', ['--exclusive', '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
  if (r.status !== 0) {
    closeSync(fd);
    throw new Error(`flock ${file} failed (${r.status}): ${r.stderr?.toString() ?? ''}`);
  }
  return () => closeSync(fd);
}
