// Vitest global setup: compiles the commands into dist/ (incrementally) before any test runs, so a test that
// runs an npm script (node dist/cli/*.js) runs today's code, not the last `npm ci`'s.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { holdLock } from './helpers/lock.ts';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  // Two runs in one checkout would write dist/ at once; the second finds it built and only checks.
  mkdirSync(join(root, 'dist'), { recursive: true });
  const release = holdLock(join(root, 'dist', '.build.lock'));
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'inherit',
    });
  } finally {
    release();
  }
}
