// Mailman's playbook converged into a real bookworm root with PostgreSQL (Ansible's chroot connection): core
// and web configured for PostgreSQL from the store, `mailman info` shows the PostgreSQL URL, Postfix and
// nginx accept their files, the list domain is registered, and Mailman's LMTP, started in a network and PID
// namespace of its own, accepts mail for a list and refuses it for an unknown one. A second run changes
// nothing. Skipped with a printed reason where the tools or root are missing.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, inRoot, stopPostgresInRoot } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { LIST_DOMAIN, LISTS_VM, MAIL_DOMAIN, mailOrg, withMailman } from './helpers/mail-org.ts';
import { daemonRootUnavailable, inNamespaces } from './helpers/root-daemons.ts';

const UNAVAILABLE = daemonRootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the Mailman real-root tests: ${UNAVAILABLE}`);

const PG = 15;
const work = mkdtempSync(join(tmpdir(), 'mailman-roots-'));
const root = join(work, 'roots', LISTS_VM);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
/** A loopback address of this run for the database VM's name: PostgreSQL's 5432 there collides with no one. */
const DB_ADDRESS = `127.${(process.pid % 200) + 20}.${Math.floor(Math.random() * 250) + 1}.1`;
const DB_HOST = `db.${MAIL_DOMAIN}`;
let model: Model;
let first: RunResult;
let second: RunResult;
let stopPostgres: (() => void) | undefined;

/** Throwaway values as the store's `password` alphabet makes them: letters and digits only. */
const throwaway = (key: string): string =>
  `T${createHash('sha256').update(`${work} ${key}`).digest('hex').slice(0, 31)}`;

function startPostgres(): { status: number; output: string } {
  return inRoot(root, [
    'pg_ctlcluster',
    String(PG),
    'main',
    'start',
    '-o',
    '-c dynamic_shared_memory_type=mmap',
  ]);
}

/** The root's PostgreSQL as the database VM: the instance's role and databases, on DB_ADDRESS:5432. */
function prepareDatabase(password: string): void {
  const conf = join(root, `etc/postgresql/${PG}/main`);
  writeFileSync(join(conf, 'conf.d/test.conf'), `listen_addresses = '${DB_ADDRESS}'\nport = 5432\n`);
  appendFileSync(join(conf, 'pg_hba.conf'), 'host all all 127.0.0.0/8 scram-sha-256\n');
  appendFileSync(join(root, 'etc/hosts'), `${DB_ADDRESS} ${DB_HOST}\n127.0.0.1 localhost\n`);
  const start = startPostgres();
  if (start.status !== 0) throw new Error(`PostgreSQL did not start:\n${start.output}`);
  // pg_ctl, not pg_ctlcluster: without /proc in the chroot, pg_ctlcluster takes the pid file for stale.
  stopPostgres = () => stopPostgresInRoot(root, PG);
  const sql = [
    `CREATE ROLE mailman_${LISTS_VM} LOGIN PASSWORD '${password}';`,
    `CREATE DATABASE mailman_${LISTS_VM} OWNER mailman_${LISTS_VM};`,
    `CREATE DATABASE mailmanweb_${LISTS_VM} OWNER mailman_${LISTS_VM};`,
  ].join('\n');
  const r = spawnSync('chroot', [root, 'runuser', '-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1'], {
    input: sql,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`psql failed:\n${r.stdout}${r.stderr}`);
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  model = deriveModel(validInventory(withMailman(mailOrg(work)).inventory));
  const vm = vmNamed(model.inventory, LISTS_VM);
  const built = debianRoot(['python3', 'systemd', 'postgresql', ...convergeModel(model, vm).packages]);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  cleanups.push(hostRoot(built.dir, root));
  const values = new Map(secretNeeds(model).map((n) => [secretKey(n), throwaway(secretKey(n))]));
  prepareDatabase(values.get(`service/mailman-${LISTS_VM}/db-password`)!);
  cleanups.unshift(() => stopPostgres?.());
  writeChrootPlaybooks(model, [convergeModel(model, vm)], () => root, playbooks);
  writeFileSync(secretsFile, secretVarsFile(values), { mode: 0o600 });
  for (const { name } of vmCertificates(model, vm)) {
    const live = join(root, 'etc/letsencrypt/live', name);
    mkdirSync(live, { recursive: true });
    for (const file of ['fullchain.pem', 'privkey.pem']) writeFileSync(join(live, file), '');
  }
  first = await convergeRoots(playbooks, [LISTS_VM], ['-e', `@${secretsFile}`]);
  console.info(`first run: ${first.seconds.toFixed(1)} s`);
  second = await convergeRoots(playbooks, [LISTS_VM], ['-e', `@${secretsFile}`]);
  console.info(`second run: ${second.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

const asList = (command: string): { status: number; output: string } =>
  inRoot(root, ['runuser', '-u', 'list', '--', 'sh', '-c', command]);

describe.skipIf(UNAVAILABLE)('Mailman converged into a real Debian root', () => {
  it('converges without a failure, registering the list domain once; a second run changes nothing', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.changed.get(LISTS_VM)).toContain(`Mailman has the list domains ${LIST_DOMAIN}`);
    expect(second.status, second.output.slice(-4000)).toBe(0);
    expect(second.changed.get(LISTS_VM) ?? []).toEqual([]);
  });

  it('runs core on PostgreSQL (mailman info), and Postfix and nginx accept their files', () => {
    const info = asList('mailman info');
    expect(info.status, info.output).toBe(0);
    expect(info.output).toMatch(
      new RegExp(
        `db url: postgresql://mailman_${LISTS_VM}:\\S+@${DB_HOST.replaceAll('.', '\\.')}/mailman_${LISTS_VM}`,
      ),
    );
    expect(inRoot(root, ['postfix', 'check']).status).toBe(0);
    const nginx = inRoot(root, ['nginx', '-t']);
    expect(nginx.status, nginx.output).toBe(0);
    expect(inRoot(root, ['postconf', '-h', 'transport_maps']).output.trim()).toBe(
      'hash:/var/lib/mailman3/data/postfix_lmtp',
    );
  }, 120_000);

  it("takes a list address's mail over LMTP and refuses an unknown list", () => {
    if (stopPostgres) stopPostgres();
    stopPostgres = undefined;
    const script = [
      `ROOT=${root}`,
      `chroot "$ROOT" pg_ctlcluster ${PG} main start -o "-c dynamic_shared_memory_type=mmap"`,
      `chroot "$ROOT" runuser -u list -- mailman create test@${LIST_DOMAIN}`,
      // Mailman's master reads /proc: this PID namespace's own, in this mount namespace only.
      'mount -t proc proc "$ROOT/proc"',
      'install -d -o list -g list "$ROOT/run/mailman3"',
      'chroot "$ROOT" runuser -u list -- mailman start',
      `i=0; until chroot "$ROOT" python3 -c "import socket; socket.create_connection(('127.0.0.1', 8024), 1)" 2>/dev/null; do i=$((i+1)); [ $i -lt 600 ] || { echo "lmtp not ready"; exit 1; }; sleep 0.1; done`,
      `chroot "$ROOT" python3 -c "
import smtplib
m = 'From: ada@${MAIL_DOMAIN}\\r\\nTo: test@${LIST_DOMAIN}\\r\\nSubject: hello\\r\\nMessage-ID: <list@test>\\r\\n\\r\\nHello list.\\r\\n'
with smtplib.LMTP('127.0.0.1', 8024) as s:
    print('list', s.sendmail('ada@${MAIL_DOMAIN}', ['test@${LIST_DOMAIN}'], m))
    try:
        s.sendmail('ada@${MAIL_DOMAIN}', ['nolist@${LIST_DOMAIN}'], m)
        print('unknown accepted')
    except smtplib.SMTPRecipientsRefused as e:
        print('unknown refused', list(e.recipients.values())[0][0])
"`,
      'chroot "$ROOT" runuser -u list -- mailman stop',
    ].join('\n');
    const { status, output } = inNamespaces(script, 240_000);
    expect(status, output).toBe(0);
    expect(output).toContain('list {}');
    expect(output).toContain('unknown refused 550');
  }, 300_000);
});
