// What the booted-root tests of the mail and Mailman servers share: units kept from starting at boot (so the
// playbook, not the package, is what starts them), their states, a wait on a condition, and a daemon of the
// test itself (Knot) run in a booted root's network namespace.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { bootRoot, type BootedRoot } from './booted-root.ts';
import { inRoot } from './debian-root.ts';

/**
 * Disables units in a root that has not booted yet: their packages enabled them at install, so they would
 * start at boot on Debian's defaults; disabled, only the playbook can start them.
 */
export function disableBeforeBoot(root: string, units: readonly string[]): void {
  const r = inRoot(root, ['systemctl', 'disable', ...units]);
  if (r.status !== 0) throw new Error(`systemctl disable ${units.join(' ')} in ${root}:\n${r.output}`);
}

/**
 * `systemctl is-active` and `is-enabled` of each unit, as `unit=active/enabled` lines. stdout only: for a unit
 * systemd generates from a SysV script, systemctl adds a note on stderr that is not the state.
 */
export function unitStates(booted: BootedRoot, units: readonly string[]): string[] {
  const state = (verb: string, unit: string): string =>
    booted.run(['sh', '-c', `systemctl ${verb} "$1" 2>/dev/null`, 'sh', unit]).output.trim();
  return units.map((u) => {
    const active = state('is-active', u);
    const enabled = state('is-enabled', u);
    return `${u}=${active}/${enabled}`;
  });
}

/** The units `systemctl --failed` lists in the booted root. */
export function failedUnits(booted: BootedRoot): string[] {
  const out = booted.run(['systemctl', '--failed', '--plain', '--no-legend']).output;
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((u) => u !== '');
}

/**
 * Polls `ready` (a command in the booted root) until it succeeds, for up to `seconds`; the check is the
 * condition, the pause only paces it. Throws with the last output when it never succeeds.
 */
export function waitInRoot(booted: BootedRoot, what: string, ready: readonly string[], seconds = 120): void {
  const deadline = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < deadline) {
    const r = booted.run(ready, 30_000);
    if (r.status === 0) return;
    last = r.output;
    spawnSync('sleep', ['0.2']);
  }
  throw new Error(`not ready after ${seconds} s: ${what}\n${last}`);
}

/**
 * Starts a host program (knotd) inside the booted root's network namespace only (its files stay the host's),
 * with its output in `log`; returns what stops it. Like every way in, it refuses once the PID is not the
 * container's (a stale PID would put knotd in the host's network).
 */
export function startInNetwork(booted: BootedRoot, argv: readonly string[], log: string): () => void {
  const fd = openSync(log, 'w');
  const [command, ...args] = booted.enter(['-n']);
  const child = spawn(command!, [...args, ...argv], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
}

/**
 * Boots a test's root, puts its stop first among the cleanups (before the root is unmounted), and records the
 * daemons' states before any converge (`unitStates`).
 */
export async function bootForConverge(
  root: string,
  name: string,
  work: string,
  daemons: readonly string[],
  cleanups: (() => void)[],
): Promise<{ booted: BootedRoot; before: string[] }> {
  const started = performance.now();
  const booted = await bootRoot(root, name, { work });
  cleanups.unshift(() => booted.stop());
  console.info(`booted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { booted, before: unitStates(booted, daemons) };
}

/** After a converge: each daemon's states once it settled (`unit=active/enabled`), and those systemd lists as failed. */
export function daemonReport(
  booted: BootedRoot,
  daemons: readonly string[],
): { states: string[]; failed: string[] } {
  for (const unit of daemons) booted.waitActive(unit);
  const failed = failedUnits(booted);
  return {
    states: unitStates(booted, daemons),
    failed: daemons.filter((d) =>
      failed.some((f) => f === d || f.startsWith(`${d}@`) || f === `${d}.service`),
    ),
  };
}
