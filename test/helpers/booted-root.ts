// Boots a test's Debian root with systemd (systemd-nspawn, in a network namespace of its own) and reaches
// inside it: Ansible converges through the container's namespaces, so its service tasks talk to the root's
// own systemd, and a test runs each service's checker there. See ../shared/notes/booting-a-debian-root.md.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootEnv } from './debian-root.ts';

export interface BootedRoot {
  /** The container's name (`-M`), unique per test run. */
  readonly name: string;
  /** The PID (on the host) of the container's systemd. */
  readonly pid: number;
  /** An executable used as `chroot` (`EXE ROOT CMD...`): it runs the command inside the container. */
  readonly exe: string;
  /**
   * The argv prefix that runs a command in some of the container's namespaces (nsenter's flags, `-n` for its
   * network only), refusing with exit 125 once the PID no longer names the container.
   */
  enter(nsenterFlags: readonly string[]): string[];
  /** Runs argv inside the container (all its namespaces); returns the exit status and output. */
  run(argv: readonly string[], timeoutMs?: number): { status: number; output: string };
  /** Waits until a unit is active (up to `seconds`); returns its state, `active` on success. */
  waitActive(unit: string, seconds?: number): string;
  /** Powers the container off and waits for it. */
  stop(): void;
}

export interface BootOptions {
  /** A named network namespace (`ip netns add`) to join; else a private one with only loopback. */
  readonly netns?: string;
  /** Where the console log and the exec wrapper go (the test's own directory). */
  readonly work: string;
  /** How long to wait for the boot to finish (default 300 s: a loaded machine is slow). */
  readonly seconds?: number;
}

/** Why roots cannot be booted here (printed, then skipped), or undefined. */
export function bootUnavailable(): string | undefined {
  const missing = ['systemd-nspawn', 'nsenter', 'pgrep'].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
  );
  return missing.length > 0 ? `${missing.join(', ')} missing (.ci/run installs them)` : undefined;
}

/** Boots `root` (a hostRoot copy) with systemd and waits until the boot has finished (running or degraded). */
export async function bootRoot(root: string, name: string, options: BootOptions): Promise<BootedRoot> {
  const unique = `${name}-${process.pid}`.slice(0, 60);
  const log = openSync(join(options.work, `${unique}.console.log`), 'w');
  // --private-network keeps CAP_NET_ADMIN for the container (its nftables.service loads a ruleset), a named
  // namespace does not unless asked: without it the firewall's unit fails with "Operation not permitted".
  const network = options.netns
    ? [`--network-namespace-path=/run/netns/${options.netns}`, '--capability=CAP_NET_ADMIN']
    : ['--private-network'];
  // Each container's supervisor and payload in cgroups of its own: with --keep-unit, systemd-nspawn makes
  // `supervisor` and `payload` below the caller's cgroup, which on a host without systemd is the root that
  // every process shares, so two containers shared one payload and stopping one killed far more than itself.
  const cgroups = ownCgroups(`${unique}-${Math.random().toString(36).slice(2, 8)}`);
  const nspawn = spawn(
    'sh',
    [
      '-c',
      'for d in $INFRA_CGROUPS; do mkdir -p "$d" && echo $$ > "$d/cgroup.procs"; done; exec "$@"',
      'boot',
      'systemd-nspawn',
      ...['-D', root, '--boot', '-M', unique, '--register=no', '--keep-unit', '--console=pipe', ...network],
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, INFRA_CGROUPS: cgroups.join(' ') },
    },
  );
  closeSync(log);
  const exited = new Promise<void>((done) => nspawn.once('exit', () => done()));
  const stop = (): void => {
    stopGroup(nspawn, 30_000);
    for (const dir of cgroups) spawnSync('find', [dir, '-depth', '-type', 'd', '-exec', 'rmdir', '{}', '+']);
  };
  try {
    const pid = await containerInit(nspawn.pid!, exited, options.seconds ?? 300);
    const booted = reach(unique, pid, options.work, stop);
    const state = await waitUntil(options.seconds ?? 300, () => {
      const s = booted.run(['systemctl', 'is-system-running']).output.trim();
      return s === 'running' || s === 'degraded' ? s : undefined;
    });
    if (!state) throw new Error(`${unique} did not finish booting (see ${unique}.console.log)`);
    return booted;
  } catch (e) {
    stop();
    throw e;
  }
}

/**
 * New cgroup folders for a container, one per hierarchy that tracks processes (cgroup v1's name=systemd and
 * the unified one; on a pure v2 host only the latter), below the cgroup this process is in.
 */
function ownCgroups(name: string): string[] {
  const mounts: Record<string, string> = {
    'name=systemd': '/sys/fs/cgroup/systemd',
    '': existsSync('/sys/fs/cgroup/unified/cgroup.procs') ? '/sys/fs/cgroup/unified' : '/sys/fs/cgroup',
  };
  return readFileSync('/proc/self/cgroup', 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => {
      const [, controllers = '', path = '/'] = line.split(':');
      const mount = mounts[controllers];
      return mount && existsSync(join(mount, 'cgroup.procs'))
        ? [join(mount, path, `infra-nspawn-${name}`)]
        : [];
    });
}

/** The container's systemd: the child of systemd-nspawn named systemd. */
async function containerInit(nspawnPid: number, exited: Promise<void>, seconds: number): Promise<number> {
  let gone = false;
  void exited.then(() => (gone = true));
  const pid = await waitUntil(seconds, () => {
    if (gone) throw new Error('systemd-nspawn exited before the container started (see its console log)');
    const r = spawnSync('pgrep', ['-P', String(nspawnPid), '-x', 'systemd'], { encoding: 'utf8' });
    return r.status === 0 ? Number(r.stdout.trim().split('\n')[0]) : undefined;
  });
  if (!pid) throw new Error('the container did not start systemd');
  return pid;
}

function reach(name: string, pid: number, work: string, stop: () => void): BootedRoot {
  const enter = ['nsenter', '-t', String(pid), '-a', '--'];
  const exe = join(work, `${name}.enter`);
  // The container's mount namespace, as it was at boot. PIDs wrap quickly on a busy machine (pid_max 32768):
  // once the container is gone, its PID may name a process of the host, and entering that would run the
  // playbook or a checker on the host itself. Both ways in refuse unless the PID is still the container's.
  const mnt = readlinkSync(`/proc/${pid}/ns/mnt`);
  const same = `[ "$(readlink /proc/${pid}/ns/mnt)" = '${mnt}' ] || { echo '${name} is gone' >&2; exit 125; }`;
  // Called as `chroot ROOT CMD...` (the roots' Python under Mitogen): the root is the container's own `/`.
  writeFileSync(exe, `#!/bin/sh\n${same}\nshift\nexec ${enter.join(' ')} "$@"\n`, { mode: 0o755 });
  const run = (argv: readonly string[], timeoutMs = 300_000): { status: number; output: string } => {
    if (!existsSync(`/proc/${pid}`) || readlinkSync(`/proc/${pid}/ns/mnt`) !== mnt)
      return { status: 125, output: `${name} is gone` };
    const r = spawnSync(enter[0]!, [...enter.slice(1), ...argv], {
      encoding: 'utf8',
      timeout: timeoutMs,
      env: rootEnv(),
    });
    return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
  const waitActive = (unit: string, seconds = 120): string => {
    let state = '';
    const deadline = Date.now() + seconds * 1000;
    while (Date.now() < deadline) {
      state = run(['systemctl', 'is-active', unit]).output.trim();
      if (state === 'active' || state === 'failed') break;
      spawnSync('sleep', ['0.2']);
    }
    return state;
  };
  const enterSome = (flags: readonly string[]): string[] => [
    'sh',
    '-c',
    `${same}\nexec nsenter -t ${pid} ${flags.join(' ')} -- "$@"`,
    'enter',
  ];
  return { name, pid, exe, enter: enterSome, run, waitActive, stop };
}

/**
 * Stops a detached child and its process group: SIGTERM, a wait of up to `graceMs` (a clean power-off takes
 * a second or two), then SIGKILL to the group. Synchronous, so Node cannot reap the child meanwhile: an exited
 * child stays a zombie, which counts as stopped (and keeps its PID from being reused until Node reaps it).
 */
export function stopGroup(child: ChildProcess, graceMs: number): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null || !alive(pid)) return;
  child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  // Node's own kill(2) of the group. Never /usr/bin/kill for this: procps-ng 4.0.2 reads `kill -KILL -17843`
  // as kill(-1, SIGKILL), every process of the machine, which ended whole test runs here.
  if (!alive(pid)) return;
  process.kill(-pid, 'SIGKILL');
  // SIGKILL is delivered, not awaited: the caller unmounts the root next, so wait until the leader is gone.
  const killed = Date.now() + 10_000;
  while (alive(pid) && Date.now() < killed) spawnSync('sleep', ['0.05']);
}

/** Whether a process runs: it exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms until it returns a value, for up to `seconds`; undefined on timeout. */
async function waitUntil<T>(seconds: number, check: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
