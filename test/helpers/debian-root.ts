// A minimal Debian bookworm root built with mmdebstrap from the machine's own mirror, cached between runs.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mitogenMissing } from '../../cli/mitogen.ts';
import { holdLock } from './lock.ts';

/** Why the real-root tests cannot run here, or undefined when they can. */
export function rootUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (mmdebstrap and chroot need it; CI runs as root)';
  for (const tool of ['mmdebstrap', 'ansible-playbook', 'chroot']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (.ci/run installs it)`;
  }
  // Ansible reaches the roots through Mitogen's strategy (test/helpers/playbook.ts), as converge reaches VMs.
  const mitogen = mitogenMissing();
  if (mitogen) return `${mitogen} (.ci/run installs it)`;
  if (!debianMirror())
    return 'no Debian mirror in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list';
  return undefined;
}

/**
 * The environment of a command inside a root: the machine's, without its XDG base directories. A cache or
 * config folder of the host means nothing inside a root: with XDG_CACHE_HOME set (where the roots are cached),
 * borg inside a booted root took it for its own cache folder and stopped with "Permission denied".
 */
export function rootEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('XDG_')));
}

/** The machine's Debian mirror, read from its apt sources at run time (no host is written in the repository). */
export function debianMirror(): string | undefined {
  const uris: string[] = [];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.sources'))
      .sort()) {
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/^URIs:\s*(\S+)/gm)) uris.push(m[1]!);
    }
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const m of readFileSync('/etc/apt/sources.list', 'utf8').matchAll(
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/gm,
    ))
      uris.push(m[1]!);
  }
  return uris.find((u) => !u.includes('security'));
}

export interface CachedRoot {
  readonly dir: string;
  /** Seconds it took to build, or undefined when it came from the cache. */
  readonly builtSeconds?: number;
}

/** Changes whenever the way a root is built changes, so an old cached root is never taken for a new one. */
const ROOT_FORMAT = 3;

/**
 * A bookworm root with these packages installed, and the .deb files of `downloaded` waiting in apt's cache
 * (a test installs them later without the network), built once and kept under the user's cache dir
 * (`$XDG_CACHE_HOME`, else ~/.cache), keyed by both package lists and the format: a new package makes a new
 * root, the same lists reuse the old one.
 */
export function debianRoot(packages: readonly string[], downloaded: readonly string[] = []): CachedRoot {
  const list = [...new Set(packages)].sort();
  const later = [...new Set(downloaded)].sort();
  const key = createHash('sha256')
    .update(`${ROOT_FORMAT}\n${list.join('\n')}\n--\n${later.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'infra-tests');
  const dir = join(cache, `bookworm-${key}`);
  if (existsSync(join(dir, 'etc', 'debian_version'))) return { dir };
  mkdirSync(cache, { recursive: true });
  // One build per root on the machine: a second run waits for the first one's build instead of building the
  // same root beside it for minutes; the kernel drops the lock if the builder dies.
  const release = holdLock(`${dir}.lock`);
  try {
    if (existsSync(join(dir, 'etc', 'debian_version'))) return { dir };
    return buildRoot(dir, list, later);
  } finally {
    release();
  }
}

/** Builds the root into a scratch folder beside `dir` and renames it into place. */
function buildRoot(dir: string, list: readonly string[], later: readonly string[]): CachedRoot {
  const scratch = `${dir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  const started = performance.now();
  const download =
    later.length > 0
      ? [
          // mmdebstrap's own apt configuration points at the new root: the files land in its cache.
          // Emptied first: the cache keeps only these files, not every package the build installed.
          `--customize-hook=APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get clean && APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get install --download-only --yes ${later.join(' ')}`,
          '--skip=cleanup/apt/cache',
        ]
      : [];
  try {
    buildInto(scratch, list, download);
  } catch (err) {
    // A failed build leaves nothing behind in the cache (a half-built root is hundreds of MB).
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  try {
    renameSync(scratch, dir);
  } catch (e) {
    // Another run built the same root meanwhile (same key, same content): keep theirs, drop ours.
    if (!existsSync(join(dir, 'etc', 'debian_version'))) throw e;
    rmSync(scratch, { recursive: true, force: true });
  }
  return { dir, builtSeconds: (performance.now() - started) / 1000 };
}

function buildInto(scratch: string, list: readonly string[], download: readonly string[]): void {
  execFileSync(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=minbase',
      `--include=${list.join(',')}`,
      // Keep the package lists: the playbook's apt task then needs no download to see what is installed.
      '--skip=cleanup/apt/lists',
      ...download,
      'bookworm',
      scratch,
      `deb ${debianMirror()} bookworm main`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/**
 * A writable copy of the root for one host of a test: an overlay on the cached root where the kernel
 * allows it (instant), else a full copy. Daemons never start in it (policy-rc.d, as in Debian's image
 * builds), and /run/sshd exists for `sshd -t`. Returns what removes it again.
 */
export function hostRoot(root: string, target: string): () => void {
  const layers = `${target}.layers`;
  mkdirSync(target, { recursive: true });
  mkdirSync(join(layers, 'upper'), { recursive: true });
  mkdirSync(join(layers, 'work'), { recursive: true });
  const overlay = spawnSync('mount', [
    '-t',
    'overlay',
    'overlay',
    '-o',
    `lowerdir=${root},upperdir=${join(layers, 'upper')},workdir=${join(layers, 'work')}`,
    target,
  ]);
  if (overlay.status !== 0) execFileSync('cp', ['-a', '--reflink=auto', `${root}/.`, target]);
  writeFileSync(join(target, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  mkdirSync(join(target, 'run/sshd'), { recursive: true });
  // The package lists of the cached root count as fresh, so apt (cache_valid_time) does not download them
  // again on every run; they still list everything a test installs.
  mkdirSync(join(target, 'var/lib/apt/periodic'), { recursive: true });
  writeFileSync(join(target, 'var/lib/apt/periodic/update-success-stamp'), '');
  return () => {
    if (overlay.status === 0) unmountRoot(target);
    rmSync(target, { recursive: true, force: true });
    rmSync(layers, { recursive: true, force: true });
  };
}

/** Whether `path` is a mount point now, read from the kernel's own table (octal escapes decoded). */
export function mounted(path: string): boolean {
  const unescape = (field: string): string =>
    field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => unescape(line.split(' ')[4] ?? '') === path);
}

/** The processes whose root or working folder is `dir` or inside it: what keeps a host root's mount busy. */
export function processesIn(dir: string): number[] {
  const inside = (link: string): boolean => link === dir || link.startsWith(`${dir}/`);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (inside(readlinkSync(`/proc/${entry}/root`)) || inside(readlinkSync(`/proc/${entry}/cwd`)))
        found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Unmounts a host root, waiting for the condition (no longer mounted), not a time: a daemon of the test that is
 * still exiting gets SIGTERM, then SIGKILL after 10 s; after 30 s the mount is detached lazily. Throws rather
 * than let the caller delete through a mount that is still there.
 */
export function unmountRoot(target: string): void {
  const started = Date.now();
  while (mounted(target)) {
    if (spawnSync('umount', [target]).status === 0) continue;
    const waited = Date.now() - started;
    if (waited > 30_000) {
      spawnSync('umount', ['-l', target]);
      break;
    }
    for (const pid of processesIn(target)) {
      try {
        process.kill(pid, waited > 10_000 ? 'SIGKILL' : 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
    spawnSync('sleep', ['0.2']);
  }
  if (mounted(target)) throw new Error(`${target} is still mounted, so it was not removed`);
}

/** Runs a command inside a root; returns its exit status and output. */
export function inRoot(root: string, argv: readonly string[]): { status: number; output: string } {
  const r = spawnSync('chroot', [root, ...argv], { encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/**
 * Starts the Debian PostgreSQL cluster of a root inside the chroot, for the playbook's SQL: on its Unix socket
 * only (no TCP port on the machine) unless `port` asks for 127.0.0.1:port, and with mmap shared memory (a
 * chroot has no writable /dev/shm). Returns what stops it again.
 */
export function startPostgresInRoot(root: string, version: number, port?: number): () => void {
  // pg_ctlcluster looks for the server on the port of the configuration, so a port goes there, not in -o.
  if (port !== undefined)
    writeFileSync(
      join(root, `etc/postgresql/${version}/main/conf.d/loopback.conf`),
      `port = ${port}\nlisten_addresses = '127.0.0.1'\n`,
    );
  const listen = port === undefined ? "-c listen_addresses='' " : '';
  const start = inRoot(root, [
    'pg_ctlcluster',
    String(version),
    'main',
    'start',
    '-o',
    `${listen}-c dynamic_shared_memory_type=mmap`,
  ]);
  if (start.status !== 0) throw new Error(`PostgreSQL did not start in ${root}:\n${start.output}`);
  return () => stopPostgresInRoot(root, version);
}

/** Stops a root's cluster with pg_ctl: without /proc in the chroot, pg_ctlcluster takes the pid file for stale. */
export function stopPostgresInRoot(root: string, version: number): void {
  const stop = inRoot(root, [
    'runuser',
    '-u',
    'postgres',
    '--',
    `/usr/lib/postgresql/${version}/bin/pg_ctl`,
    '-D',
    `/var/lib/postgresql/${version}/main`,
    'stop',
    '-m',
    'fast',
  ]);
  if (stop.status !== 0) throw new Error(`PostgreSQL did not stop in ${root}:\n${stop.output}`);
}

/** Runs every cleanup, even after one failed (a mount left behind would outlive the test), then removes `work`. */
export function runCleanups(cleanups: readonly (() => void)[], work?: string): void {
  const failed: unknown[] = [];
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch (error) {
      failed.push(error);
    }
  }
  if (work) {
    try {
      rmSync(work, { recursive: true, force: true });
    } catch (error) {
      failed.push(error);
    }
  }
  // The first failure is the cause; a folder that could not be removed after it is its consequence.
  if (failed.length > 0) throw failed[0];
}
