// The lock between test runs (test/helpers/lock.ts): held until released, and released when its holder dies,
// judged by flock(1) from another process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { holdLock } from './helpers/lock.ts';
import { waitFor } from './helpers/netns.ts';

const work = mkdtempSync(join(tmpdir(), 'lock-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Whether another process could take the lock right now. */
const free = (file: string): boolean => spawnSync('flock', ['--nonblock', file, 'true']).status === 0;

describe('holdLock', () => {
  it('keeps another process out until released', () => {
    const file = join(work, 'a.lock');
    const release = holdLock(file);
    expect(free(file)).toBe(false);
    release();
    expect(free(file)).toBe(true);
  });

  it('is dropped when its holder dies without releasing it', async () => {
    const file = join(work, 'b.lock');
    // A holder that takes the lock and then waits to be killed.
    const holder = spawn('flock', [file, 'sh', '-c', 'echo held; exec cat'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    await new Promise((done) => holder.stdout.once('data', done));
    expect(free(file)).toBe(false);
    holder.kill('SIGKILL');
    await waitFor('the lock to be free', () => free(file));
    const release = holdLock(file);
    release();
  });
});
