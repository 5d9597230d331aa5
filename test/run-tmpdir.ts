// Vitest global setup: one scratch folder per test run, as TMPDIR of every worker, removed when the run ends.
// What the tests and the libraries they call put in the temporary folder (cdktf's Testing outdirs, fixture
// copies, roots) stays inside it, so two runs on one machine never meet there and a run leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mount points at or below `dir`, deepest first (an overlay or bind mount a killed test left mounted). */
export function mountsBelow(dir: string, mounts = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'infra-test-run-'));
  // As the machine's /tmp is: tests hand folders in it to other users (PostgreSQL runs as postgres).
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    // Never remove through a mount: a bind mount would take the files of whatever it shows with it.
    for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
    if (mountsBelow(dir).length === 0) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`left ${dir} in place: something is still mounted below it\n`);
  };
}
