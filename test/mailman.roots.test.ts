// Mailman's playbook converged into a real bookworm root booted with systemd (systemd-nspawn, a network namespace
// of its own), through the container's namespaces, with the root's PostgreSQL standing in for the database VM:
// core and web on PostgreSQL from the store, `mailman info` shows the PostgreSQL URL, Postfix and nginx accept
// their files, the list domain is registered, the web database migrated and its superuser made from the store.
// Core, the web UI, Postfix and nginx run because the playbook enabled and started them (their packages'
// boot-time start is taken away first); Mailman's LMTP takes a list's mail into Mailman's queue and refuses an
// unknown list; Postorius and HyperKitty answer through nginx on the root's loopback. A second run changes
// nothing. Skipped with a printed reason where the tools or root are missing.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { WEB_ADMIN } from '../baseline/mailman.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { type BootedRoot, bootUnavailable } from './helpers/booted-root.ts';
import { bootForConverge, daemonReport, disableBeforeBoot, waitInRoot } from './helpers/booted-services.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { LIST_DOMAIN, LISTS_VM, MAIL_DOMAIN, mailOrg, withMailman } from './helpers/mail-org.ts';
import { daemonRootUnavailable, throwawayCertificate } from './helpers/root-daemons.ts';

const UNAVAILABLE = daemonRootUnavailable(['openssl']) ?? bootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the Mailman real-root tests: ${UNAVAILABLE}`);

const PG = 15;
const work = mkdtempSync(join(tmpdir(), 'mailman-roots-'));
const root = join(work, 'roots', LISTS_VM);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
/** The database VM's name, on an address of the root's own loopback (its network namespace is private). */
const DB_ADDRESS = '127.0.0.2';
const DB_HOST = `db.${MAIL_DOMAIN}`;
/** Core, the web UI, and the Postfix and nginx in front of them: what the playbook must start. */
const DAEMONS = ['mailman3', 'mailman3-web', 'postfix', 'nginx'];
const scope = `service/mailman-${LISTS_VM}`;
let model: Model;
let first: RunResult;
let second: RunResult;
let booted: BootedRoot;
let before: string[];
let values: Map<string, string>;

/** Throwaway values as the store's `password` alphabet makes them: letters and digits only. */
const throwaway = (key: string): string =>
  `T${createHash('sha256').update(`${work} ${key}`).digest('hex').slice(0, 31)}`;

/** The root's PostgreSQL as the database VM (on DB_ADDRESS:5432), set before boot; its own systemd starts it. */
function configureDatabase(): void {
  const conf = join(root, `etc/postgresql/${PG}/main`);
  writeFileSync(join(conf, 'conf.d/test.conf'), `listen_addresses = '${DB_ADDRESS}'\nport = 5432\n`);
  appendFileSync(join(conf, 'pg_hba.conf'), 'host all all 127.0.0.0/8 scram-sha-256\n');
  appendFileSync(join(root, 'etc/hosts'), `${DB_ADDRESS} ${DB_HOST}\n127.0.0.1 localhost\n`);
}

/** The instance's role and databases, as the database VM's playbook makes them. */
function createDatabases(): void {
  if (booted.waitActive(`postgresql@${PG}-main`, 300) !== 'active')
    throw new Error(
      `PostgreSQL did not start:\n${booted.run(['journalctl', '-u', `postgresql@${PG}-main`]).output}`,
    );
  const user = `mailman_${LISTS_VM}`;
  const psql = booted.run([
    'runuser',
    '-u',
    'postgres',
    '--',
    'psql',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `CREATE ROLE ${user} LOGIN PASSWORD '${values.get(`${scope}/db-password`)!}';`,
    '-c',
    `CREATE DATABASE ${user} OWNER ${user};`,
    '-c',
    `CREATE DATABASE mailmanweb_${LISTS_VM} OWNER ${user};`,
  ]);
  if (psql.status !== 0) throw new Error(`psql failed:\n${psql.output}`);
}

/** The root with its packages, the secrets converge hands over, and what exists before a first converge. */
function prepare(): void {
  model = deriveModel(validInventory(withMailman(mailOrg(work)).inventory));
  const vm = vmNamed(model.inventory, LISTS_VM);
  // What a booted root needs (systemd as PID 1, its bus), the database VM's server, and the VM's own packages.
  const packages = [
    'python3',
    'systemd',
    'systemd-sysv',
    'dbus',
    'postgresql',
    ...convergeModel(model, vm).packages,
  ];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  cleanups.push(hostRoot(built.dir, root));
  disableBeforeBoot(root, DAEMONS);
  configureDatabase();
  values = new Map(secretNeeds(model).map((n) => [secretKey(n), throwaway(secretKey(n))]));
  writeFileSync(secretsFile, secretVarsFile(values), { mode: 0o600 });
  // No ACME server here: the certificate exists already, as after a first issuance (a throwaway self-signed one).
  for (const { name } of vmCertificates(model, vm)) throwawayCertificate(root, name);
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  prepare();
  ({ booted, before } = await bootForConverge(root, 'infra-lists', work, DAEMONS, cleanups));
  const started = performance.now();
  createDatabases();
  console.info(`database ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const vm = convergeModel(model, vmNamed(model.inventory, LISTS_VM));
  writeChrootPlaybooks(
    model,
    [vm],
    () => root,
    playbooks,
    () => booted.exe,
  );
  first = await convergeRoots(playbooks, [LISTS_VM], ['-e', `@${secretsFile}`]);
  console.info(`first run: ${first.seconds.toFixed(1)} s`);
  second = await convergeRoots(playbooks, [LISTS_VM], ['-e', `@${secretsFile}`]);
  console.info(`second run: ${second.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

/** Runs a command in the booted root; its status and output. */
const inside = (argv: readonly string[]): { status: number; output: string } => booted.run(argv, 240_000);
const asList = (command: string): { status: number; output: string } =>
  inside(['runuser', '-u', 'list', '--', 'sh', '-c', command]);

/** The HTTP status of a path of the web UI, asked on the root's loopback with the given Host. */
function httpStatus(path: string, host: string): string {
  return inside([
    'curl',
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-H',
    `Host: ${host}`,
    `http://127.0.0.1${path}`,
  ]).output.trim();
}

describe.skipIf(UNAVAILABLE)('Mailman converged into a real Debian root booted with systemd', () => {
  it('converges without a failure, registering the list domain and the web set-up once; a second run changes nothing', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    const changed = first.changed.get(LISTS_VM) ?? [];
    expect(changed).toContain(`Mailman has the list domains ${LIST_DOMAIN}`);
    expect(changed).toContain("Mailman web's database has every migration");
    expect(changed).toContain(`Mailman web has its superuser ${WEB_ADMIN}`);
    expect(second.status, second.output.slice(-4000)).toBe(0);
    expect(second.changed.get(LISTS_VM) ?? []).toEqual([]);
    expect(second.stats[LISTS_VM]?.changed).toBe(0);
  });

  it('runs core, the web UI, Postfix and nginx because the playbook enabled and started them', () => {
    expect(before).toEqual(DAEMONS.map((d) => `${d}=inactive/disabled`));
    expect(first.changed.get(LISTS_VM)).toContain('Start the services');
    const report = daemonReport(booted, DAEMONS);
    expect(report.states).toEqual(DAEMONS.map((d) => `${d}=active/enabled`));
    expect(report.failed).toEqual([]);
  });

  it('runs core on PostgreSQL (mailman info), and Postfix and nginx accept their files', () => {
    const info = asList('mailman info');
    expect(info.status, info.output).toBe(0);
    expect(info.output).toMatch(
      new RegExp(
        `db url: postgresql://mailman_${LISTS_VM}:\\S+@${DB_HOST.replaceAll('.', '\\.')}/mailman_${LISTS_VM}`,
      ),
    );
    expect(inside(['postfix', 'check']).status).toBe(0);
    const nginx = inside(['nginx', '-t']);
    expect(nginx.status, nginx.output).toBe(0);
    expect(inside(['postconf', '-h', 'transport_maps']).output.trim()).toBe(
      'hash:/var/lib/mailman3/data/postfix_lmtp',
    );
  }, 120_000);

  it("takes a list address's mail over LMTP into Mailman's queue and refuses an unknown list", () => {
    const created = asList(`mailman create test@${LIST_DOMAIN}`);
    expect(created.status, created.output).toBe(0);
    waitInRoot(
      booted,
      'lmtp',
      ['python3', '-c', "import socket; socket.create_connection(('127.0.0.1', 8024), 1)"],
      300,
    );
    const lmtp = inside(['python3', '-c', LMTP_SEND]);
    expect(lmtp.output).toContain('list {}');
    expect(lmtp.output).toContain('unknown refused 550');
    // The incoming runner takes it from the queue; a non-member's post is held for the moderators.
    waitInRoot(booted, 'the held post', ['sh', '-c', `grep -rqs '<list@test>' /var/log/mailman3/`], 180);
    expect(asList('grep -rh "<list@test>" /var/log/mailman3/').output).toMatch(/HOLD|held/i);
  }, 600_000);

  it('serves Postorius and HyperKitty through nginx, on PostgreSQL and core, under /mailman3/', () => {
    const web = model.services.instances.find((i) => i.vm.name === LISTS_VM)!.ctx.webNames[0]!;
    waitInRoot(
      booted,
      'the web UI',
      ['sh', '-c', `curl -sf -o /dev/null -H 'Host: ${web}' http://127.0.0.1/mailman3/postorius/lists/`],
      300,
    );
    expect(httpStatus('/', web)).toBe('302');
    expect(['200', '301', '302']).toContain(httpStatus('/mailman3/', web));
    // The list index asks core's REST API (its password from the store); HyperKitty reads the web database.
    expect(httpStatus('/mailman3/postorius/lists/', web)).toBe('200');
    expect(httpStatus('/mailman3/hyperkitty/', web)).toBe('200');
    expect(httpStatus('/mailman3/static/postorius/img/favicon.ico', web)).toBe('200');
    // Core's archiver reaches HyperKitty as localhost (mailman-hyperkitty.cfg).
    expect(httpStatus('/mailman3/hyperkitty/', 'localhost')).toBe('200');
  }, 600_000);

  it("keeps the web UI's superuser with the store's password and a verified address", () => {
    const check = inside([
      'env',
      `PASSWORD=${values.get(`${scope}/web-admin-password`)!}`,
      'runuser',
      '-u',
      'www-data',
      '--',
      'python3',
      '-c',
      SUPERUSER_CHECK,
    ]);
    // Python's warnings (stderr) may follow the answer.
    expect(check.output).toContain(`True True True postmaster@${LIST_DOMAIN}\n`);
  }, 120_000);
});

/** Mails a list and an unknown list over Mailman's LMTP; prints what each got. */
const LMTP_SEND = `import smtplib
m = 'From: ada@${MAIL_DOMAIN}\\r\\nTo: test@${LIST_DOMAIN}\\r\\nSubject: hello\\r\\nMessage-ID: <list@test>\\r\\n\\r\\nHello list.\\r\\n'
with smtplib.LMTP('127.0.0.1', 8024) as s:
    print('list', s.sendmail('ada@${MAIL_DOMAIN}', ['test@${LIST_DOMAIN}'], m))
    try:
        s.sendmail('ada@${MAIL_DOMAIN}', ['nolist@${LIST_DOMAIN}'], m)
        print('unknown accepted')
    except smtplib.SMTPRecipientsRefused as e:
        print('unknown refused', list(e.recipients.values())[0][0])
`;

/** Whether the superuser's password is $PASSWORD, it is a superuser, its address verified; and the address. */
const SUPERUSER_CHECK = `import os, sys
sys.path.insert(0, '/usr/share/mailman3-web')
os.environ['DJANGO_SETTINGS_MODULE'] = 'settings'
import django
django.setup()
from django.contrib.auth.models import User
from allauth.account.models import EmailAddress
u = User.objects.get(username='${WEB_ADMIN}')
print(u.check_password(os.environ['PASSWORD']), u.is_superuser, EmailAddress.objects.filter(user=u, verified=True).exists(), u.email)
`;
