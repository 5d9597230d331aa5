// A host root's cleanup unmounts it for real before removing anything: a process of the test still inside the
// mount (a daemon exiting under load, the cause of an EBUSY in CI) is stopped first, the folder is never
// deleted through a mount, and the first cleanup failure is the one reported.
// Needs root to mount (CI runs as root); skipped with a printed reason otherwise.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mounted, processesIn, runCleanups, unmountRoot } from './helpers/debian-root.ts';
import { scratchDir } from './helpers/scratch.ts';

const UNAVAILABLE =
  process.getuid?.() !== 0 ? 'not running as root (mount needs it; CI runs as root)' : undefined;
if (UNAVAILABLE) console.warn(`skipping the host-root cleanup test: ${UNAVAILABLE}`);

describe.skipIf(UNAVAILABLE)('unmounting a host root', () => {
  it('stops the process that keeps the mount busy, then unmounts, where a plain umount fails', async () => {
    const target = join(scratchDir('root-cleanup-'), 'host root');
    mkdirSync(target);
    expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]).status).toBe(0);
    expect(mounted(target)).toBe(true);
    const busy = spawn('sleep', ['600'], { cwd: target, stdio: 'ignore' });
    const exited = new Promise((resolve) => busy.on('exit', resolve));
    try {
      expect(processesIn(target)).toContain(busy.pid);
      expect(spawnSync('umount', [target]).status).not.toBe(0);
      unmountRoot(target);
      expect(mounted(target)).toBe(false);
      await exited;
      expect(busy.exitCode ?? busy.signalCode).toBe('SIGTERM');
    } finally {
      busy.kill('SIGKILL');
      if (mounted(target)) spawnSync('umount', ['-l', target]);
    }
  });

  it('reports the first failed cleanup, not the folder it then could not remove', () => {
    const work = scratchDir('root-cleanup-');
    const target = join(work, 'mounted');
    mkdirSync(target);
    expect(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', target]).status).toBe(0);
    try {
      expect(() =>
        runCleanups(
          [
            () => {
              throw new Error('PostgreSQL did not stop');
            },
          ],
          work,
        ),
      ).toThrow('PostgreSQL did not stop');
      expect(existsSync(target)).toBe(true);
    } finally {
      spawnSync('umount', ['-l', target]);
    }
  });
});
