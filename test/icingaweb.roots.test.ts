// Icinga Web 2 on the Icinga2 master, converged into a real bookworm root booted with systemd (systemd-nspawn,
// Ansible through the container's namespaces): the playbook starts PostgreSQL, makes the IDO and web
// databases, icinga2 writes the generated hosts into the IDO, the monitoring module is enabled and lists them,
// a member logs in over HTTP with the store's password (and not with another), and a second run changes
// nothing. Skipped with a printed reason where the tools or root are missing.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PSQL_AS_POSTGRES } from '../baseline/postgresql-roles.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { icingawebUsers } from '../model/icingaweb-users.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { vmConvergeModel } from '../monitoring/icinga2-node.ts';
import { IDO_DB, phpFpm } from '../monitoring/icingaweb.ts';
import { monitoringModel } from '../monitoring/model.ts';
import { type BootedRoot, bootRoot, bootUnavailable } from './helpers/booted-root.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, rootUnavailable } from './helpers/debian-root.ts';
import { icingawebFixture } from './helpers/icingaweb-org.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';

const UNAVAILABLE = rootUnavailable() ?? bootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the Icinga Web 2 booted-root test: ${UNAVAILABLE}`);

const HOST = 'mon';
/** The units Icinga Web 2 and the IDO need on the master. */
const UNITS = (): string[] => ['postgresql', phpFpm(vmNamed(model.inventory, HOST)), 'nginx', 'icinga2'];
/** Installed by the playbook after its debconf answers (the package would otherwise make its own database). */
const LATER = ['icinga2-ido-pgsql'];
/** Every secret's throwaway value: letters and digits, as `secrets generate` makes them. */
const value = (key: string): string => `t${createHash('sha256').update(key).digest('hex').slice(0, 31)}`;

const work = mkdtempSync(join(tmpdir(), 'icingaweb-root-'));
const root = join(work, 'roots', HOST);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let model: Model;
let booted: BootedRoot;
let first: RunResult;

/** A shell script run inside the booted container. */
function sh(script: string, timeoutMs?: number): { status: number; output: string } {
  return booted.run(['sh', '-c', script], timeoutMs);
}

/** psql as postgres in the container (the playbook's own invocation; the last -d wins), unaligned rows. */
function sql(database: string, query: string): string {
  const r = booted.run([...PSQL_AS_POSTGRES, '-d', database, '-c', query]);
  if (r.status !== 0) throw new Error(`psql failed: ${r.output}`);
  return r.output.trim();
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  icingawebFixture(join(work, 'org'));
  model = deriveModel(validInventory(join(work, 'org')));
  const mon = vmConvergeModel(model, vmNamed(model.inventory, HOST));
  const packages = ['python3', 'systemd', 'systemd-sysv', 'dbus', ...mon.packages].filter(
    (p) => !LATER.includes(p),
  );
  const built = debianRoot(packages, LATER);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  cleanups.push(hostRoot(built.dir, root));
  const started = performance.now();
  booted = await bootRoot(root, 'icingaweb', { work });
  cleanups.unshift(() => booted.stop());
  console.info(`booted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // As after an install whose daemons were kept from starting: the playbook must enable and start them.
  const stopped = booted.run(['systemctl', 'disable', '--now', ...UNITS()]);
  if (stopped.status !== 0) throw new Error(`could not stop the units: ${stopped.output}`);
  writeChrootPlaybooks(
    model,
    [mon],
    () => root,
    playbooks,
    () => booted.exe,
  );
  writeFileSync(
    secretsFile,
    secretVarsFile(new Map(secretNeeds(model).map((n) => [secretKey(n), value(secretKey(n))]))),
    { mode: 0o600 },
  );
  first = await convergeRoots(playbooks, [HOST], ['-e', `@${secretsFile}`]);
  console.info(`first run: ${first.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('Icinga Web 2 on the master, converged into a booted Debian root', () => {
  const scope = 'service/icinga2-master-mon';

  it('converges without a failure, enabling and starting PostgreSQL, php-fpm, nginx and icinga2', () => {
    expect(failedHosts(first), first.output.slice(-8000)).toBe('');
    for (const unit of UNITS()) {
      expect(booted.waitActive(unit), unit).toBe('active');
      expect(booted.run(['systemctl', 'is-enabled', unit]).output.trim(), unit).toBe('enabled');
    }
    expect(first.changed.get(HOST)).toContain('Start postgresql where systemd runs');
  });

  it("icinga2's IDO writes the generated hosts into the master's PostgreSQL", () => {
    const hosts = monitoringModel(model)
      .hosts.map((h) => h.name)
      .sort();
    const query =
      'SELECT o.name1 FROM icinga_hosts h JOIN icinga_objects o ON o.object_id = h.host_object_id WHERE o.is_active = 1 ORDER BY 1';
    const deadline = Date.now() + 180_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = sql(IDO_DB.name, query).split('\n').filter(Boolean);
      if (seen.length >= hosts.length) break;
      sh('sleep 1');
    }
    expect(seen).toEqual(hosts);
  }, 240_000);

  it('enables the monitoring module, which lists the generated hosts', () => {
    const modules = booted.run(['icingacli', 'module', 'list']);
    expect(modules.status, modules.output).toBe(0);
    expect(modules.output).toMatch(/^monitoring\s+\S+\s+enabled/m);
    const list = booted.run(['icingacli', 'monitoring', 'list', 'hosts', '--format=$host_name$']);
    expect(list.status, list.output).toBe(0);
    const names = list.output.trim().split('\n').sort();
    expect(names).toEqual(
      monitoringModel(model)
        .hosts.map((h) => h.name)
        .sort(),
    );
  });

  it("logs a member in over HTTP with the store's password, and refuses another password", () => {
    const [user] = icingawebUsers(model.inventory);
    expect(user).toBeDefined();
    const url = 'http://127.0.0.1/icingaweb2/authentication/login';
    /** Fetches the form (its CSRF token), posts it, then asks for the dashboard with the session's cookie. */
    const loginAs = (login: string, password: string): string => {
      const jar = `/tmp/icingaweb-jar-${password.length}`;
      const script = [
        'set -e',
        `rm -f ${jar}`,
        // Icinga Web 2 first redirects to see that the client keeps cookies.
        `token=$(curl -sfL -b ${jar} -c ${jar} -H 'Host: localhost' ${url} | sed -n 's/.*name="CSRFToken" value="\\([^"]*\\)".*/\\1/p' | head -1)`,
        '[ -n "$token" ] || { echo "no CSRF token"; exit 1; }',
        `curl -s -o /dev/null -w 'login %{http_code} %{redirect_url}\\n' -b ${jar} -c ${jar} -H 'Host: localhost'` +
          ' --data-urlencode "username=$U" --data-urlencode "password=$P" --data-urlencode "CSRFToken=$token"' +
          ` --data-urlencode formUID=form_login --data-urlencode btn_submit=Login ${url}`,
        `curl -s -b ${jar} -H 'Host: localhost' -o /dev/null -w 'dashboard %{http_code} %{redirect_url}\\n' http://127.0.0.1/icingaweb2/dashboard`,
      ].join('\n');
      // The throwaway password reaches the container's shell through its environment.
      const r = booted.run(['env', `U=${login}`, `P=${password}`, 'sh', '-c', script]);
      expect(r.status, r.output).toBe(0);
      return r.output;
    };
    const good = loginAs(user!, value(`${scope}/web-password-${user}`));
    expect(good).toMatch(/dashboard 200/);
    const bad = loginAs(user!, 'not-the-password');
    expect(bad).toMatch(/dashboard 302 .*authentication\/login/);
  });

  it("passes the kind's own checks on the VM (icinga2 running, the login form rendered)", () => {
    const instance = model.services.instances.find((i) => i.vm.name === HOST && i.kind === 'icinga2-master')!;
    const checks = instance.def.checks?.(instance.ctx) ?? [];
    expect(checks.length).toBeGreaterThan(1);
    for (const check of checks) {
      if (check.type !== 'local') continue;
      const r = booted.run(check.command);
      expect(r.status, `${check.name}: ${r.output}`).toBe(0);
    }
  });

  it('dumps both databases as the backup runs it (borgmatic as root, pg_dump as postgres)', () => {
    for (const db of ['icinga2_ido', 'icingaweb2']) {
      const r = sh(
        `runuser -u postgres -- pg_dump --no-password --clean --if-exists --format custom ${db} > /tmp/${db}.dump && pg_restore --list /tmp/${db}.dump | grep -c 'TABLE '`,
      );
      expect(r.status, r.output).toBe(0);
      expect(Number(r.output.trim())).toBeGreaterThan(5);
    }
  });

  it('changes nothing on a second run', async () => {
    const second = await convergeRoots(playbooks, [HOST], ['-e', `@${secretsFile}`]);
    console.info(`second run: ${second.seconds.toFixed(1)} s`);
    expect(failedHosts(second), second.output.slice(-6000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
    expect(second.stats[HOST]?.changed).toBe(0);
  }, 1_800_000);
});
