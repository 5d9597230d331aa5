// How to start another of this repository's modules as a Node process, from the TypeScript sources (tests,
// tsx) or from the compiled dist/ (the npm scripts), whichever the caller itself runs from.
import { fileURLToPath } from 'node:url';

/**
 * The node arguments that run `relative` (a path without extension, e.g. `./synth-child`) resolved against
 * the caller's `import.meta.url`: `.js` beside a compiled caller, `.ts` through tsx beside a source one.
 */
export function nodeModuleArgs(callerUrl: string, relative: string): string[] {
  const compiled = callerUrl.endsWith('.js');
  const path = fileURLToPath(new URL(`${relative}${compiled ? '.js' : '.ts'}`, callerUrl));
  return compiled ? [path] : ['--import', 'tsx', path];
}

/**
 * A file of the source tree (a .proto, a schema) at `relative` to the caller: a compiled caller in dist/ reads
 * it from the sources, since tsc copies no data files.
 */
export function sourceFile(callerUrl: string, relative: string): string {
  const path = fileURLToPath(new URL(relative, callerUrl));
  if (!callerUrl.endsWith('.js')) return path;
  const at = path.lastIndexOf('/dist/');
  return at === -1 ? path : `${path.slice(0, at)}${path.slice(at + '/dist'.length)}`;
}
