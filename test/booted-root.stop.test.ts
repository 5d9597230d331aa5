// How a booted root's container is stopped (test/helpers/booted-root.ts): at once when it exits on SIGTERM,
// even before Node has reaped it, and by a kill of its own process group, never of anything else, when it
// does not. Both once went wrong: every stop waited its full grace on the zombie, then ran procps-ng's
// `kill -KILL -PID`, which for a PID starting with 1 signals every process of the machine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, stopGroup } from './helpers/booted-root.ts';

const left: number[] = [];
afterEach(() => {
  for (const pid of left.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

/** A detached shell running `script`: the leader of a process group of its own, as systemd-nspawn is. */
function group(script: string): number {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  left.push(child.pid!);
  return child.pid!;
}

describe('stopping a container', () => {
  it('counts a zombie as stopped: alive() is false once the child exited, though Node has not reaped it', () => {
    const child = spawn('true', { stdio: 'ignore' });
    const waited = Date.now() + 5_000;
    while (alive(child.pid!) && Date.now() < waited) spawnSync('sleep', ['0.05']);
    expect(child.exitCode).toBeNull(); // not reaped: the event loop has not run
    expect(alive(child.pid!)).toBe(false);
    expect(alive(process.pid)).toBe(true);
  });

  it('returns as soon as the group leader exits on SIGTERM, not after the grace', () => {
    const child = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    left.push(child.pid!);
    const started = Date.now();
    stopGroup(child, 30_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(alive(child.pid!)).toBe(false);
  });

  it('kills a group that ignores SIGTERM after the grace, and no process outside it', () => {
    const bystander = group('sleep 60');
    const ready = join(mkdtempSync(join(tmpdir(), 'stop-group-')), 'ready');
    const stubborn = spawn('sh', ['-c', 'trap "" TERM; sleep 60 & touch "$0"; wait', ready], {
      detached: true,
      stdio: 'ignore',
    });
    left.push(stubborn.pid!);
    const waited = Date.now() + 10_000;
    while (!existsSync(ready) && Date.now() < waited) spawnSync('sleep', ['0.05']);
    rmSync(join(ready, '..'), { recursive: true, force: true });
    const started = Date.now();
    stopGroup(stubborn, 1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(alive(stubborn.pid!)).toBe(false);
    // The group's other member went with it; the process outside the group did not.
    const members = spawnSync('pgrep', ['-g', String(stubborn.pid)], { encoding: 'utf8' }).stdout;
    expect(members.split('\n').filter((pid) => pid !== '' && alive(Number(pid)))).toEqual([]);
    expect(alive(bystander)).toBe(true);
  });
});
