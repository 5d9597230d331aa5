// How tests start the project's commands: node with tsx's loader, exactly what the npm scripts run
// (`node --import tsx cli/X.ts`), without the second node process that `npx tsx` or the tsx CLI starts first.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** node's arguments that load TypeScript: tsx's loader by its absolute URL, so it resolves from any cwd. */
export const TSX = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
