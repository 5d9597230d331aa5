// How tests start the project's commands: the compiled dist/cli/X.js the npm scripts run (test/build-dist.ts
// compiles it before any test), or node with tsx's loader for what still runs from source (main.ts under
// cdktf), without the second node process that `npx tsx` or the tsx CLI starts first.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** node's arguments that load TypeScript: tsx's loader by its absolute URL, so it resolves from any cwd. */
export const TSX = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];

/**
 * The compiled form of a command's source (`cli/synth.ts` → `<repo>/dist/cli/synth.js`), as its npm script runs
 * it: no transpiling at every start, which cost each spawn about twice the CPU of the command itself.
 */
export function compiled(source: string): string {
  return join(import.meta.dirname, '..', '..', 'dist', source.replace(/\.ts$/, '.js'));
}
