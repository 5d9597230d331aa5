// Network namespaces, private /etc files and sshd daemons for tests that log in for real, without touching
// the machine: every host of a test is a namespace of its own (names unique per run), its accounts live in
// copies of /etc/passwd and friends mounted over /etc inside a private mount namespace, and closing the lab
// kills every process left in its namespaces before deleting them.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { shellJoin } from '../../cli/ssh-command.ts';

const SSHD = '/usr/sbin/sshd';
/** The account files a test's accounts live in (copied, then changed with useradd --prefix). */
const ETC_FILES = ['passwd', 'group', 'shadow', 'gshadow'];

/** Why these tests cannot run here (printed, then skipped), or undefined. */
export function labUnavailable(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'not running as root (network namespaces and mounts need it; CI runs as root)';
  if (!existsSync(SSHD)) return 'openssh-server is not installed (.ci/run installs it)';
  for (const tool of ['ip', 'unshare', 'useradd', 'ssh-keygen']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

/** Polls `condition` until it holds; fails after `ms` with what was awaited (the deadline is only a guard). */
export async function waitFor(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Sshd {
  readonly log: string;
}

export class Lab {
  /** A folder under /run (not world-writable, as sshd's StrictModes wants) for this lab's files. */
  readonly dir: string;
  private readonly id: string;
  private readonly namespaces: string[] = [];
  private links = 0;

  constructor() {
    this.id = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
    this.dir = mkdtempSync('/run/infra-lab-');
    chmodSync(this.dir, 0o755);
  }

  /** A new network namespace with its loopback up; returns its name. */
  namespace(tag: string): string {
    const name = `lab-${this.id}-${tag}`;
    execFileSync('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    execFileSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  /** A veth cable between two namespaces, `prefix::1` on `a` and `prefix::2` on `b` (no DAD wait). */
  link(a: string, b: string, prefix: string): void {
    const n = this.links++;
    const [ea, eb] = [`v${this.id}${n}a`, `v${this.id}${n}b`];
    execFileSync('ip', ['link', 'add', ea, 'netns', a, 'type', 'veth', 'peer', 'name', eb, 'netns', b]);
    for (const [ns, dev, host] of [
      [a, ea, 1],
      [b, eb, 2],
    ] as const) {
      execFileSync('ip', ['-n', ns, 'addr', 'add', `${prefix}::${host}/64`, 'dev', dev, 'nodad']);
      execFileSync('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    }
  }

  /** A copy of the machine's account files under `<lab>/<name>/etc`, for useradd --prefix and mounting. */
  accounts(name: string): string {
    const prefix = join(this.dir, name);
    mkdirSync(join(prefix, 'etc'), { recursive: true });
    for (const file of ETC_FILES)
      if (existsSync(`/etc/${file}`)) copyFileSync(`/etc/${file}`, join(prefix, 'etc', file));
    return prefix;
  }

  /**
   * The argv that runs `argv` inside namespace `ns` (the machine's own when undefined) in a private mount
   * namespace where each `mounts` file (a path of the machine, e.g. /etc/hosts) shows the given file instead.
   */
  command(ns: string | undefined, mounts: Record<string, string>, argv: readonly string[]): string[] {
    const binds = Object.entries(mounts).map(
      ([target, source]) => `mount --bind ${shellJoin([source, target])}`,
    );
    const script = [...binds, `exec ${shellJoin(argv)}`].join(' && ');
    return [...(ns ? ['ip', 'netns', 'exec', ns] : []), 'unshare', '--mount', 'sh', '-c', script];
  }

  /** Starts sshd in `ns` with these config lines; resolves once it listens. Stopped by close(). */
  async sshd(
    ns: string,
    name: string,
    config: readonly string[],
    mounts: Record<string, string>,
  ): Promise<Sshd> {
    const conf = join(this.dir, `${name}.sshd_config`);
    const log = join(this.dir, `${name}.sshd.log`);
    const pid = join(this.dir, `${name}.sshd.pid`);
    writeFileSync(conf, [...config, `PidFile ${pid}`, ''].join('\n'));
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync(SSHD, ['-t', '-f', conf]);
    const argv = this.command(ns, mounts, [SSHD, '-D', '-f', conf, '-E', log]);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    let exited: number | null | undefined;
    child.once('exit', (code) => (exited = code));
    await waitFor(`sshd ${name} to listen (${log})`, () => {
      if (exited !== undefined) throw new Error(`sshd ${name} exited (${exited}):\n${readLog(log)}`);
      return readLog(log).includes('Server listening on');
    });
    return { log };
  }

  /** Kills every process left in the lab's namespaces, deletes them, and removes the lab's files. */
  close(): void {
    for (const ns of this.namespaces) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readLog(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
