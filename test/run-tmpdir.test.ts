// The test run's own scratch folder (test/run-tmpdir.ts): every worker's temporary folder is inside it, and
// its removal never reaches through a mount.
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountsBelow } from './run-tmpdir.ts';

describe('the run scratch folder', () => {
  it("is this worker's temporary folder, one per run, writable by every user as /tmp is", () => {
    expect(basename(tmpdir())).toMatch(/^infra-test-run-/);
    expect(statSync(tmpdir()).mode & 0o7777).toBe(0o1777);
  });

  it('finds the mounts left below it, deepest first, with the kernel escapes of their paths undone', () => {
    const mounts = [
      'overlay /tmp/run/roots/a overlay rw 0 0',
      'proc /proc proc rw 0 0',
      'overlay /tmp/run/roots/a/var/x\\040y overlay rw 0 0',
      'tmpfs /tmp/run-other tmpfs rw 0 0',
      'overlay /tmp/run overlay rw 0 0',
      '',
    ].join('\n');
    expect(mountsBelow('/tmp/run', mounts)).toEqual([
      '/tmp/run/roots/a/var/x y',
      '/tmp/run/roots/a',
      '/tmp/run',
    ]);
  });
});
