// Synthesizes a git ref in a temporary worktree and the working tree side by side, for `npm run diff`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** What `npm run diff` runs in each tree, followed by `--inventory DIR --out DIR`. */
export const DEFAULT_SYNTH_COMMAND = 'npx --no-install tsx cli/synth.ts';

export interface SynthBothOptions {
  /** A directory inside the repository; the working tree is the "after" side. */
  readonly cwd: string;
  /** The "before" side: any git revision (`origin/main`, `HEAD~1`, a sha). */
  readonly base: string;
  /** Inventory directory as given on the command line, relative to `cwd`; the same path is used at `base`. */
  readonly inventory: string;
  /** Shell command run in each tree's top directory. @default DEFAULT_SYNTH_COMMAND */
  readonly synthCommand?: string;
  /** Progress lines (to stderr in the CLI). */
  readonly log?: (line: string) => void;
}

export interface SynthSide {
  /** Synth output directory (`stacks/`, `artifacts/`). */
  readonly out: string;
  /** The inventory directory that side was synthesized from. */
  readonly inventory: string;
}

export interface SynthBoth {
  readonly baseSha: string;
  /** The base predates `cli/synth.ts`: it counts as an empty output, so everything shows as new. */
  readonly baseHasNoSynth: boolean;
  readonly base: SynthSide;
  readonly head: SynthSide;
}

export class CommandError extends Error {}

/**
 * Runs `fn` with both sides synthesized; the worktree and every temporary directory are removed afterwards,
 * also when synth or `fn` fails.
 */
export async function withBothSynthesized<T>(
  options: SynthBothOptions,
  fn: (both: SynthBoth) => T | Promise<T>,
): Promise<T> {
  const log = options.log ?? (() => {});
  const root = realpathSync(git(options.cwd, ['rev-parse', '--show-toplevel']).trim());
  const sha = git(
    root,
    ['rev-parse', '--verify', '--quiet', `${options.base}^{commit}`],
    `unknown revision "${options.base}"`,
  ).trim();
  const tmp = mkdtempSync(join(tmpdir(), 'infra-diff-'));
  const tree = join(tmp, 'base');
  let added = false;
  try {
    git(root, ['worktree', 'add', '--detach', '--quiet', tree, sha]);
    added = true;
    await prepareDependencies(root, tree, sha, log);

    // Real paths on both sides, so a symlinked checkout still finds the inventory's place in the repository.
    const given = resolve(options.cwd, options.inventory);
    const headInventory = existsSync(given) ? realpathSync(given) : given;
    const inRepo = relative(root, headInventory);
    const baseInventory = inRepo.startsWith('..') || isAbsolute(inRepo) ? headInventory : join(tree, inRepo);
    const command = options.synthCommand ?? DEFAULT_SYNTH_COMMAND;
    const base: SynthSide = { out: join(tmp, 'out-base'), inventory: baseInventory };
    const head: SynthSide = { out: join(tmp, 'out-head'), inventory: headInventory };
    const baseHasNoSynth = options.synthCommand === undefined && !existsSync(join(tree, 'cli', 'synth.ts'));
    log(`synthesizing ${options.base} (${sha.slice(0, 7)}) and the working tree`);
    const [baseRun, headRun] = await Promise.all([
      baseHasNoSynth
        ? { code: 0, output: '' }
        : run(command, ['--inventory', base.inventory, '--out', base.out], tree),
      run(command, ['--inventory', head.inventory, '--out', head.out], root),
    ]);
    if (headRun.code !== 0) {
      throw new CommandError(`synth of the working tree failed (exit ${headRun.code}):\n${headRun.output}`);
    }
    if (baseRun.code !== 0) {
      throw new CommandError(`synth of ${options.base} failed (exit ${baseRun.code}):\n${baseRun.output}`);
    }
    return await fn({ baseSha: sha, baseHasNoSynth, base, head });
  } finally {
    if (added) spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
    rmSync(tmp, { recursive: true, force: true });
    spawnSync('git', ['worktree', 'prune'], { cwd: root });
  }
}

/**
 * Reuses the working tree's `node_modules` (and generated provider bindings) when the lock file at the base is
 * identical: a fresh `npm ci` costs a minute, a symlink nothing. Otherwise installs exactly what the base locks.
 */
async function prepareDependencies(
  root: string,
  tree: string,
  sha: string,
  log: (line: string) => void,
): Promise<void> {
  const lockHere = existsSync(join(root, 'package-lock.json'))
    ? readFileSync(join(root, 'package-lock.json'), 'utf8')
    : undefined;
  const lockThere = gitMaybe(root, ['show', `${sha}:package-lock.json`]);
  if (lockHere !== lockThere) {
    log('package-lock.json differs at the base: running npm ci there');
    const install = await run('npm ci --no-audit --no-fund', [], tree);
    if (install.code !== 0) throw new CommandError(`npm ci at the base failed:\n${install.output}`);
    return;
  }
  if (existsSync(join(root, 'node_modules')))
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  if (!existsSync(join(root, '.gen'))) return;
  // Bindings are generated from providers/; the same schema gives the same bindings.
  const sameProviders =
    spawnSync('git', ['diff', '--quiet', sha, '--', 'providers'], { cwd: root }).status === 0;
  if (sameProviders) {
    symlinkSync(join(root, '.gen'), join(tree, '.gen'), 'dir');
    return;
  }
  log('providers/ differs at the base: generating its bindings');
  const generate = await run('npm run --if-present postinstall', [], tree);
  if (generate.code !== 0)
    throw new CommandError(`generating bindings at the base failed:\n${generate.output}`);
}

function git(cwd: string, args: readonly string[], failure?: string): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new CommandError(
      failure ?? `git ${args.join(' ')} failed: ${result.stderr.trim() || result.error?.message}`,
    );
  }
  return result.stdout;
}

function gitMaybe(cwd: string, args: readonly string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return result.status === 0 ? result.stdout : undefined;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Runs a shell command with extra arguments, collecting stdout and stderr together. */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn([command, ...args.map(quote)].join(' '), {
      cwd,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', (err) => done({ code: 127, output: `${output}${err.message}\n` }));
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}
