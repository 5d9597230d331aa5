// What the booted real-root tests of the fixture organisation share: its copy with a secrets store, one cached
// root for their hosts booted with systemd (each in a network namespace given or of its own), the playbooks
// that converge through the containers, and the throwaway values converge would hand over.
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { secretVarsFile } from '../../baseline/secret-vars.ts';
import { convergeModel, type VmModel } from '../../baseline/vm-model.ts';
import type { Model } from '../../model/derive.ts';
import { secretKey, secretNeeds } from '../../model/secret-needs.ts';
import { freshValueFor } from '../../members/secrets-store.ts';
import { type BootedRoot, bootRoot } from './booted-root.ts';
import { writeChrootPlaybooks } from './converge-roots.ts';
import { debianRoot, hostRoot } from './debian-root.ts';
import { FIXTURE, vmNamed } from './inventories.ts';
import { throwawayKey } from './ssh-keys.ts';

/** What a booted root needs besides the playbooks' packages (booted-root.ts). */
const BOOT_PACKAGES = ['python3', 'systemd', 'systemd-sysv', 'dbus'];

/** Copies the fixture organisation to `dir` with a secrets store: a throwaway deploy key in org.yaml. */
export function storeFixture(dir: string, keys: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(keys, { recursive: true });
  const deploy = throwawayKey(keys, 'deploy');
  appendFileSync(
    join(dir, 'org.yaml'),
    `\nsecrets:\n  deploy_key: ${readFileSync(`${deploy}.pub`, 'utf8').trim()}\n`,
  );
}

/**
 * A 0600 vars file as converge hands it over, with `values` where given and throwaway values elsewhere: made
 * as the store makes them where the program reads an encoding (a TSIG key is base64), else a plain text.
 */
export function throwawaySecrets(model: Model, file: string, values: ReadonlyMap<string, string>): void {
  const all = new Map(
    secretNeeds(model).map((n) => [
      secretKey(n),
      n.alphabet === 'base64' || n.alphabet === 'hex' ? freshValueFor(n) : `throwaway ${secretKey(n)}`,
    ]),
  );
  for (const [key, value] of values) all.set(key, value);
  writeFileSync(file, secretVarsFile(all), { mode: 0o600 });
}

export interface BootedHosts {
  readonly byVm: ReadonlyMap<string, VmModel>;
  readonly booted: ReadonlyMap<string, BootedRoot>;
  /** Seconds the slowest boot took (they boot side by side). */
  readonly bootSeconds: number;
}

export interface BootHostsOptions {
  readonly model: Model;
  readonly hosts: readonly string[];
  /** The test's own directory: roots under roots/<host>, playbooks under ansible/, console logs. */
  readonly work: string;
  /** Gets what undoes each step: the containers' stops at the front, so they run before their roots go. */
  readonly cleanups: (() => void)[];
  /** A host's named network namespace (`ip netns`); else a private one with only loopback. */
  readonly netnsOf?: (host: string) => string | undefined;
  /** Runs on each host's root before it boots (files an operator put there, /etc/hosts). */
  readonly prepare?: (host: string, root: string) => void;
}

/**
 * Builds (or takes from the cache) one root with every package the hosts' playbooks install, copies it per
 * host, boots each copy and writes playbooks that converge through the containers.
 */
export async function bootHosts(options: BootHostsOptions): Promise<BootedHosts> {
  const { model, hosts, work, cleanups } = options;
  const byVm = new Map(hosts.map((h) => [h, convergeModel(model, vmNamed(model.inventory, h))]));
  const built = debianRoot([...BOOT_PACKAGES, ...[...byVm.values()].flatMap((m) => m.packages)]);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  const root = (host: string): string => join(work, 'roots', host);
  for (const host of hosts) {
    cleanups.push(hostRoot(built.dir, root(host)));
    options.prepare?.(host, root(host));
  }
  const started = performance.now();
  const booted = new Map<string, BootedRoot>();
  // Side by side, each put first for stopping as soon as it is up (before the next await can throw).
  await Promise.all(
    hosts.map(async (host) => {
      const netns = options.netnsOf?.(host);
      const b = await bootRoot(root(host), host, { work, ...(netns ? { netns } : {}) });
      cleanups.unshift(() => b.stop());
      booted.set(host, b);
    }),
  );
  const bootSeconds = (performance.now() - started) / 1000;
  console.info(`booted ${hosts.join(', ')} in ${bootSeconds.toFixed(1)} s`);
  writeChrootPlaybooks(model, [...byVm.values()], root, join(work, 'ansible'), (vm) => booted.get(vm)?.exe);
  return { byVm, booted, bootSeconds };
}
