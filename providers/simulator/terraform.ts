// Runs the real terraform (or tofu) binary against the simulator: finds it, gives it a clean environment.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The binary cdktf would run (TERRAFORM_BINARY_NAME, else terraform, else tofu), or undefined when none is on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = env.TERRAFORM_BINARY_NAME ? [env.TERRAFORM_BINARY_NAME] : ['terraform', 'tofu'];
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    if (name.includes('/')) return existsSync(name) ? name : undefined;
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Why a test or the rehearsal cannot run here, or undefined when it can. */
export function terraformMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const binary = findTerraform(env);
  if (!binary) return 'no terraform or tofu on PATH (docs/rehearsal.md says how to get one)';
  const version = spawnSync(binary, ['version'], {
    encoding: 'utf8',
    env: { ...env, CHECKPOINT_DISABLE: '1' },
  });
  if (version.status !== 0) return `${binary} version failed: ${version.stderr.trim()}`;
  return undefined;
}

/**
 * The environment for terraform: the simulator attached, no checkpoint call home, no prompts, and a
 * CLI config of nothing (a developer's ~/.terraformrc must not redirect provider installation).
 */
export function terraformEnv(reattach: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TF_REATTACH_PROVIDERS: reattach,
    TF_CLI_CONFIG_FILE: '/dev/null',
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    ...extra,
  };
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command without blocking this process: the simulator answers terraform from this same event
 * loop, so a synchronous spawn would deadlock.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; onStdout?: (chunk: string) => void } = {},
): Promise<RunResult> & { kill(signal: NodeJS.Signals): void } {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    options.onStdout?.(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(done, { kill: (signal: NodeJS.Signals) => void child.kill(signal) });
}
