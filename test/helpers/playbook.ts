// Runs one generated playbook against a chroot with ansible-playbook's JSON report: status, changed tasks, output.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONNECTIONS, MITOGEN_STRATEGY, writeConnectionPlugins } from '../../cli/mitogen.ts';
import { rootEnv } from './debian-root.ts';
import { scratchDir } from './scratch.ts';

export interface PlaybookRun {
  readonly status: number;
  /** Names of the tasks (and handlers) that reported a change, on any host. */
  readonly changed: readonly string[];
  /** The same per host. */
  readonly changedByHost: ReadonlyMap<string, string[]>;
  /** Names of the tasks that failed. */
  readonly failed: readonly string[];
  /** ansible-playbook's own tally per host. */
  readonly stats: Record<string, { changed: number; failures: number; unreachable: number }>;
  readonly output: string;
}

interface JsonReport {
  plays: {
    tasks: { task: { name: string }; hosts: Record<string, { changed?: boolean; failed?: boolean }> }[];
  }[];
  stats: PlaybookRun['stats'];
}

let plugins: string | undefined;

/**
 * The folder of the connections (cli/mitogen.ts) for this test file: a scratch folder, removed by the worker
 * setup after the file. A process 'exit' handler never ran in vitest's workers: every worker left one behind.
 */
export function pluginFolder(): string {
  if (plugins && existsSync(plugins)) return plugins;
  plugins = writeConnectionPlugins(scratchDir('ansible-plugins-'));
  return plugins;
}

/**
 * An inventory host's variables that reach the Debian root at `root` (through `exe`, a booted root's way in,
 * where given): Mitogen starts one Python inside the root and runs every module in it, as `npm run converge`
 * runs them on a VM over SSH. The test runs as root, so there is nothing to become: sudo under Mitogen would
 * need a terminal, which a plain chroot has not.
 */
export function chrootHostVars(root: string, exe = 'chroot'): string {
  return (
    `      ansible_connection: ${CONNECTIONS.chroot}\n      ansible_become: false\n` +
    `      ansible_python_interpreter: ${exe} ${root} /usr/bin/python3`
  );
}

/** An inventory in `dir` that reaches `host` as the root at `root`. */
export function chrootInventory(dir: string, host: string, root: string): string {
  const path = join(dir, 'chroot.yml');
  writeFileSync(path, `all:\n  hosts:\n    ${host}:\n${chrootHostVars(root)}\n`);
  return path;
}

/**
 * The environment of a test's ansible-playbook: Mitogen's strategy (as `npm run converge` uses it) with the
 * connection plugin of the roots, a JSON report on stdout, no colours, no retry files.
 */
export function ansibleEnv(): NodeJS.ProcessEnv {
  return {
    // Mitogen hands its environment to the Python it starts inside the root.
    ...rootEnv(),
    ANSIBLE_STRATEGY: MITOGEN_STRATEGY,
    ANSIBLE_CONNECTION_PLUGINS: pluginFolder(),
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_PIPELINING: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
}

/** ansible-playbook on one playbook; `extra` are more arguments (`-e @vars.yml`). */
export function runPlaybook(
  inventory: string,
  playbook: string,
  extra: readonly string[] = [],
): Promise<PlaybookRun> {
  return new Promise((done, fail) => {
    const child = spawn('ansible-playbook', ['-i', inventory, playbook, ...extra], { env: ansibleEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      let report: JsonReport;
      try {
        report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as JsonReport;
      } catch {
        fail(new Error(`ansible-playbook printed no JSON report:\n${stdout}\n${stderr}`));
        return;
      }
      const changed: string[] = [];
      const changedByHost = new Map<string, string[]>();
      const failed: string[] = [];
      for (const play of report.plays)
        for (const task of play.tasks)
          for (const [host, result] of Object.entries(task.hosts)) {
            if (result.changed) {
              changed.push(task.task.name);
              changedByHost.set(host, [...(changedByHost.get(host) ?? []), task.task.name]);
            }
            if (result.failed) failed.push(task.task.name);
          }
      done({
        status: code ?? 1,
        changed,
        changedByHost,
        failed,
        stats: report.stats,
        output: `${stdout}${stderr}`,
      });
    });
  });
}
