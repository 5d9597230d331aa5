// A child process that synthesizes stacks (stacks/synth-child.ts): started early, it loads cdktf while its
// parent reads the inventory and later renders the artifacts, so the two share the machine's cores.
import { spawn } from 'node:child_process';
import { BACKEND_CONFIG_EXIT, BackendConfigError } from './backend-error.ts';
import { nodeModuleArgs } from './node-module.ts';

/** What one child synthesizes. */
export interface StackJob {
  /** JSON file: `{ inventory, cloudConfigs }`, the validated inventory and its VMs' rendered cloud-configs. */
  readonly input: string;
  /** Each stack goes to `<apps>/<cluster>/`, the dns and forge stacks to `<apps>/_dns/` and `<apps>/_forge/`. */
  readonly apps: string;
  readonly clusters: readonly string[];
  /** Also the dns and forge stacks (written only when the inventory has them). */
  readonly shared: boolean;
}

export interface StackChild {
  /** Hands the child its job; resolves when it has written the stacks. Once per child. */
  run(job: StackJob): Promise<void>;
  /** Lets a child that got no job exit (it reads an empty job); harmless after run. */
  close(): void;
}

/**
 * Starts a child that waits for its job on stdin. `env` is the environment its stacks read (INFRA_BACKEND
 * and its settings). A BackendConfigError in the child rejects run() with the same error.
 */
export function startStackChild(env: NodeJS.ProcessEnv): StackChild {
  const child = spawn(process.execPath, [...nodeModuleArgs(import.meta.url, './synth-child'), '--stdin'], {
    env,
    stdio: ['pipe', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // An early failure (no node, a crash while loading) surfaces when the job's result is awaited.
  const exited = new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => done(code));
  });
  exited.catch(() => undefined);
  child.stdin.on('error', () => undefined);
  let sent = false;
  return {
    async run(job) {
      sent = true;
      // One line: the child reads up to the newline, which reaches it at once; the end of the pipe waits for
      // this process's event loop (synth-child.ts).
      child.stdin.end(`${JSON.stringify(job)}\n`);
      const code = await exited;
      if (code === BACKEND_CONFIG_EXIT) throw new BackendConfigError(stderr.trim());
      if (code !== 0)
        throw new Error(`synthesizing ${job.clusters.join(', ')} failed (exit ${code}):\n${stderr}`);
    },
    close() {
      if (!sent) child.stdin.end();
      sent = true;
    },
  };
}

/** Synthesizes a job in a child of its own, started now. */
export function synthInChild(job: StackJob, env: NodeJS.ProcessEnv): Promise<void> {
  return startStackChild(env).run(job);
}
