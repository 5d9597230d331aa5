// coturn, Mumble and the Icinga2 master and satellite converged into real bookworm roots (Ansible's chroot
// connection) and judged by the programs themselves, each started in a network namespace of the test: coturn
// answers STUN, serves its certificate and hands out relays only for the store's secret (never to a denied
// peer), murmurd serves its certificate and holds the SuperUser password, `icinga2 daemon -C` accepts the
// master's deployed configuration (the artifact, byte for byte) and refuses a broken one before it replaces
// the live files, the satellite's certificate is signed by the master's CA through a ticket; a second run
// changes nothing. Skipped with a printed reason where the tools or root are missing.
import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { SUPERUSER_STAMP } from '../baseline/mumble.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import type { VmModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { deployedPath, ICINGA2_DEPLOY, ICINGA2_STAGE, vmConvergeModel } from '../monitoring/icinga2-node.ts';
import { icingaCounts, renderIcinga2 } from '../monitoring/icinga2.ts';
import { monitoringModel } from '../monitoring/model.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { Lab, labUnavailable, waitFor } from './helpers/netns.ts';
import { rtcFixture, TURN_NAME } from './helpers/rtc-org.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  labUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v openssl && command -v ss']).status === 0
    ? undefined
    : 'openssl or ss is missing (openssl, iproute2)');
if (UNAVAILABLE) console.warn(`skipping the coturn, Mumble and Icinga2 real-root tests: ${UNAVAILABLE}`);

const HOSTS = ['turn', 'voice', 'mon', 'sat'] as const;
/** Every secret's throwaway value: letters and digits, as `secrets generate` makes them. */
const value = (key: string): string => `t${createHash('sha256').update(key).digest('hex').slice(0, 31)}`;

const work = mkdtempSync(join(tmpdir(), 'rtc-roots-'));
const root = (host: string): string => join(work, 'roots', host);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let model: Model;
let byVm: Map<string, VmModel>;
let lab: Lab;
/** The namespace the Icinga2 master's daemon listens in at its inventory address; the satellite joins there. */
let icingaNs: string;
let first: RunResult;
let joined: RunResult;

/** Runs a shell script in namespace `ns`; `R` is the root of `host`. */
function inNs(ns: string, host: string, script: string): { status: number; output: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', '-c', `set -u\nR=${root(host)}\n${script}`], {
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** Starts a daemon in `ns` (stopped by the lab's close), resolved once a TCP `port` listens there. */
async function daemon(ns: string, argv: readonly string[], port: number, log: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  await waitFor(
    `${argv.join(' ')} to listen on ${port}`,
    () => {
      if (exited !== undefined) throw new Error(`${argv.join(' ')} exited (${exited}):\n${output}`);
      return inNs(ns, 'mon', `ss -Hltn 'sport = :${port}'`).output.trim() !== '';
    },
    120_000,
  );
  // Stopped before the roots are removed: the lab's close kills what runs in its namespaces.
  cleanups.unshift(() => {
    child.kill('SIGTERM');
    writeFileSync(log, output);
  });
  return child;
}

/** A throwaway self-signed certificate where certbot keeps the real one (no ACME server here). */
function preIssue(host: string): void {
  for (const { name } of vmCertificates(model, vmNamed(model.inventory, host))) {
    const live = join(root(host), 'etc/letsencrypt/live', name);
    mkdirSync(live, { recursive: true });
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'],
        ...[
          '-subj',
          `/CN=${name}`,
          '-keyout',
          join(live, 'privkey.pem'),
          '-out',
          join(live, 'fullchain.pem'),
        ],
      ],
      { stdio: 'ignore' },
    );
  }
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  rtcFixture(join(work, 'org'));
  model = deriveModel(validInventory(join(work, 'org')));
  byVm = new Map(HOSTS.map((h) => [h, vmConvergeModel(model, vmNamed(model.inventory, h))]));
  const packages = ['python3', 'systemd', ...[...byVm.values()].flatMap((m) => m.packages)];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of HOSTS) {
    const remove = hostRoot(built.dir, root(host));
    // icinga2 reads /proc/self/fd; a VM has /proc, a chroot only what the test mounts (unmounted first).
    const proc = join(root(host), 'proc');
    const mounted = spawnSync('mount', ['-t', 'proc', 'proc', proc]).status === 0;
    cleanups.push(() => {
      if (mounted) execFileSync('umount', ['-l', proc]);
      remove();
    });
    if (!mounted) throw new Error(`could not mount /proc in ${root(host)}`);
  }
  preIssue('turn');
  preIssue('voice');
  writeChrootPlaybooks(model, [...byVm.values()], root, playbooks);
  writeFileSync(
    secretsFile,
    secretVarsFile(new Map(secretNeeds(model).map((n) => [secretKey(n), value(secretKey(n))]))),
    { mode: 0o600 },
  );
  lab = new Lab();
  // First of all cleanups: nothing may still run in a root when it is unmounted.
  cleanups.unshift(() => lab.close());
  icingaNs = lab.namespace('icinga');
  const master = vmNamed(model.inventory, 'mon').nics[0]!.ipv6!;
  execFileSync('ip', ['-n', icingaNs, 'addr', 'add', `${master}/128`, 'dev', 'lo', 'nodad']);
  const inIcingaNs = ['ip', 'netns', 'exec', icingaNs];
  first = await convergeRoots(playbooks, ['turn', 'voice', 'mon'], ['-e', `@${secretsFile}`], inIcingaNs);
  console.info(`first run of turn, voice, mon: ${first.seconds.toFixed(1)} s`);
  // The master's daemon as its unit starts it, then the satellite's first converge asks it for a certificate.
  inRoot(root('mon'), ['/usr/lib/icinga2/prepare-dirs', '/usr/lib/icinga2/icinga2']);
  await daemon(
    icingaNs,
    ['chroot', root('mon'), 'icinga2', 'daemon'],
    5665,
    join(work, 'icinga2-master.log'),
  );
  joined = await convergeRoots(playbooks, ['sat'], ['-e', `@${secretsFile}`], inIcingaNs);
  console.info(`first run of sat: ${joined.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('coturn, Mumble and Icinga2 converged into real Debian roots', () => {
  it('converges every host without a failure', () => {
    expect(failedHosts(first), first.output.slice(-6000)).toBe('');
    expect(failedHosts(joined), joined.output.slice(-6000)).toBe('');
  });

  it("starts coturn with the generated file: STUN answers, TLS serves the name's certificate, relays need the store's secret and never reach a denied peer", () => {
    const secret = value('site/one/turn-secret');
    const uclient = (s: string): string =>
      `timeout 20 chroot "$R" turnutils_uclient -y -W ${s} -e 127.0.0.1 -n 1 -m 1 127.0.0.1 2>&1 | tail -3`;
    const run = inNs(
      lab.namespace('turn'),
      'turn',
      [
        // coturn ignores loopback when it looks for a listening address: the VM's own public one, on a veth.
        'ip link add t0 type veth peer name t1 && ip link set t0 up && ip link set t1 up',
        'ip addr add 192.0.2.13/32 dev t0',
        'chroot --userspec=turnserver:turnserver "$R" turnserver -c /etc/turnserver.conf >/dev/null 2>&1 &',
        "trap 'kill $! 2>/dev/null' EXIT",
        'i=0; until timeout 2 chroot "$R" turnutils_stunclient 127.0.0.1 >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 300 ] || { echo "no STUN answer"; exit 1; }; sleep 0.1; done',
        'echo stun=ok',
        'echo | timeout 10 openssl s_client -connect 127.0.0.1:5349 2>/dev/null | grep "^subject="',
        `echo "right: $(${uclient(secret)})"`,
        `echo "wrong: $(${uclient('not-the-secret')})"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('stun=ok');
    expect(run.output).toContain(`subject=CN = ${TURN_NAME}`);
    // The allocation succeeds with the site's secret; its peer, loopback, is refused by denied-peer-ip.
    expect(run.output).toMatch(/right: .*403 \(Forbidden IP\)/s);
    expect(run.output).toMatch(/wrong: .*Cannot complete Allocation/s);
    const conf = inRoot(root('turn'), ['stat', '-c', '%U:%G %a', '/etc/turnserver.conf']);
    expect(conf.output.trim()).toBe('root:turnserver 640');
  });

  it('starts murmurd with the generated file, serving the certificate of its name, with the SuperUser password of the store', () => {
    const name = 'voice.fixture.example.org';
    const run = inNs(
      lab.namespace('voice'),
      'voice',
      [
        'mkdir -p "$R/run/mumble-server" && chroot "$R" chown mumble-server: /run/mumble-server',
        'chroot "$R" murmurd -ini /etc/mumble-server.ini -fg >/dev/null 2>&1 &',
        "trap 'kill $! 2>/dev/null' EXIT",
        `i=0; until ss -Hltn 'sport = :64738' | grep -q .; do i=$((i+1)); [ $i -lt 300 ] || { echo "not listening"; exit 1; }; sleep 0.1; done`,
        'echo | timeout 10 openssl s_client -connect 127.0.0.1:64738 2>/dev/null | grep "^subject="',
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`subject=CN = ${name}`);
    const password = value('service/mumble-voice/superuser-password');
    const stamp = readFileSync(join(root('voice'), SUPERUSER_STAMP.slice(1)), 'utf8').trim();
    expect(stamp).toBe(createHash('sha256').update(password).digest('hex'));
    // murmurd stored a PBKDF2 hash for user 0 (SuperUser) of server 1.
    const db = inRoot(root('voice'), [
      'python3',
      '-c',
      'import sqlite3; print(sqlite3.connect("/var/lib/mumble-server/mumble-server.sqlite").execute("select length(pw) from users where server_id = 1 and user_id = 0").fetchone())',
    ]);
    expect(db.output).toMatch(/\(\d+,\)/);
  });

  it("deploys the master's configuration as the artifact byte for byte, and icinga2 daemon -C accepts it", () => {
    for (const [name, text] of renderIcinga2(model))
      expect(readFileSync(join(root('mon'), 'etc/icinga2', deployedPath(name)), 'utf8')).toBe(text);
    const check = inRoot(root('mon'), ['icinga2', 'daemon', '-C']);
    expect(check.status, check.output).toBe(0);
    const counts = icingaCounts(monitoringModel(model));
    expect(check.output).toContain(`Instantiated ${counts.hosts} Hosts.`);
    expect(check.output).toContain(`Instantiated ${counts.services} Services.`);
  });

  it("signs the satellite's certificate with the master's CA, through a ticket made from the store's salt", () => {
    const ca = join(root('mon'), 'var/lib/icinga2/ca/ca.crt');
    const cert = join(root('sat'), 'var/lib/icinga2/certs/sat.fixture.example.org.crt');
    const verify = spawnSync('openssl', ['verify', '-CAfile', ca, cert], { encoding: 'utf8' });
    expect(verify.status, `${verify.stdout}${verify.stderr}`).toBe(0);
    expect(readFileSync(join(root('sat'), 'var/lib/icinga2/certs/ca.crt'), 'utf8')).toBe(
      readFileSync(ca, 'utf8'),
    );
    const check = inRoot(root('sat'), ['icinga2', 'daemon', '-C']);
    expect(check.status, check.output).toBe(0);
  });

  it('changes nothing on a second run', async () => {
    const second = await convergeRoots(
      playbooks,
      HOSTS,
      ['-e', `@${secretsFile}`],
      ['ip', 'netns', 'exec', icingaNs],
    );
    console.info(`second run: ${second.seconds.toFixed(1)} s`);
    expect(failedHosts(second), second.output.slice(-6000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
    for (const host of HOSTS) expect(second.stats[host]?.changed).toBe(0);
  }, 1_800_000);

  it('keeps the live configuration when icinga2 daemon -C refuses the staged one', () => {
    const hosts = 'zones.d/master/hosts.conf';
    const live = join(root('mon'), 'etc/icinga2', hosts);
    const before = readFileSync(live, 'utf8');
    // A staged file that does not parse, with its checksum, and a live configuration that differs from it.
    const broken = `${before}\nobject Host {\n`;
    writeFileSync(join(root('mon'), ICINGA2_STAGE.slice(1), hosts), broken);
    const sums = join(root('mon'), 'var/lib/infra-converge/icinga2.sha256');
    const digest = createHash('sha256').update(broken).digest('hex');
    writeFileSync(
      sums,
      readFileSync(sums, 'utf8').replace(
        /^[0-9a-f]{64} {2}zones\.d\/master\/hosts\.conf$/m,
        `${digest}  ${hosts}`,
      ),
    );
    const deploy = inRoot(root('mon'), [ICINGA2_DEPLOY]);
    expect(deploy.status, deploy.output).not.toBe(0);
    expect(deploy.output).toContain('icinga2 daemon -C refused the new configuration; the live one stays');
    expect(readFileSync(live, 'utf8')).toBe(before);
  });
});
