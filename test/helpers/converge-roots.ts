// Runs generated playbooks into Debian roots (through Mitogen, `chrootHostVars`), one ansible-playbook per
// host side by side (as `npm run converge` runs them), and reports what each task changed.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { renderAnsible } from '../../baseline/ansible.ts';
import type { VmModel } from '../../baseline/vm-model.ts';
import type { Model } from '../../model/derive.ts';
import { ansibleEnv, chrootHostVars } from './playbook.ts';

export interface RunResult {
  readonly status: number;
  /** Per host: the names of the tasks (and handlers) that reported a change. */
  readonly changed: Map<string, string[]>;
  readonly stats: Record<string, { changed: number; failures: number; unreachable: number }>;
  readonly seconds: number;
  readonly output: string;
}

interface JsonReport {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed?: boolean }> }[] }[];
  stats: RunResult['stats'];
}

/**
 * Writes the playbooks of these VM models and an inventory that reaches each one's root (`rootOf`); where
 * `exeOf` names an executable (a booted root's `exe`), Ansible runs through it into the booted container.
 */
export function writeChrootPlaybooks(
  model: Model,
  vms: readonly VmModel[],
  rootOf: (vm: string) => string,
  dir: string,
  exeOf: (vm: string) => string | undefined = () => undefined,
): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, text] of renderAnsible(model, vms)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const hosts = vms.map((vm) => `    ${vm.name}:\n${chrootHostVars(rootOf(vm.name), exeOf(vm.name))}`);
  writeFileSync(join(dir, 'chroot.yml'), `all:\n  hosts:\n${hosts.join('\n')}\n`);
}

/**
 * Converges each host's playbook in `dir`; `extraArgs` go to every ansible-playbook (`-e @vars.yml`), `prefix`
 * runs it through another command (`ip netns exec NS`: a root that must reach a daemon of another root).
 */
export async function convergeRoots(
  dir: string,
  hosts: readonly string[],
  extraArgs: readonly string[] = [],
  prefix: readonly string[] = [],
): Promise<RunResult> {
  const started = performance.now();
  const runs = await Promise.all(hosts.map((h) => convergeOne(dir, h, extraArgs, prefix)));
  const changed = new Map<string, string[]>();
  const stats: RunResult['stats'] = {};
  for (const run of runs) {
    for (const [h, names] of run.changed) changed.set(h, names);
    Object.assign(stats, run.stats);
  }
  return {
    status: Math.max(...runs.map((r) => r.status)),
    changed,
    stats,
    seconds: (performance.now() - started) / 1000,
    output: runs.map((r) => r.output).join('\n'),
  };
}

function changedTasks(report: JsonReport): Map<string, string[]> {
  const changed = new Map<string, string[]>();
  for (const play of report.plays) {
    for (const task of play.tasks) {
      for (const [h, result] of Object.entries(task.hosts))
        if (result.changed) changed.set(h, [...(changed.get(h) ?? []), task.task.name]);
    }
  }
  return changed;
}

function convergeOne(
  dir: string,
  host: string,
  extraArgs: readonly string[],
  prefix: readonly string[],
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const argv = [
      ...prefix,
      'ansible-playbook',
      '-i',
      join(dir, 'chroot.yml'),
      ...extraArgs,
      join(dir, 'vms', `${host}.yml`),
    ];
    const child = spawn(argv[0]!, argv.slice(1), { env: ansibleEnv() });
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
        fail(new Error(`ansible-playbook printed no JSON report for ${host}:\n${stdout}\n${stderr}`));
        return;
      }
      const output = `${stdout}${stderr}`;
      done({ status: code ?? 1, changed: changedTasks(report), stats: report.stats, seconds: 0, output });
    });
  });
}

/** The hosts that failed or were unreachable, comma-separated; empty when every host converged. */
export function failedHosts(run: RunResult): string {
  return Object.entries(run.stats)
    .filter(([, s]) => s.failures > 0 || s.unreachable > 0)
    .map(([h]) => h)
    .join(', ');
}

export { runCleanups } from './debian-root.ts';
