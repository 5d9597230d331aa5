// The mail server's playbook converged into a real bookworm root booted with systemd (systemd-nspawn, a network
// namespace of its own), through the container's namespaces, and proven by its own programs: `postfix check`,
// `doveconf -n`, `rspamadm configtest`. Postfix, Dovecot and rspamd run because the playbook enabled and
// started them (their packages' boot-time start is taken away first); they take a member's mail on submission
// (587), deliver it into the member's mailbox, sign it with the store's DKIM key, and rspamd verifies the
// signature against the TXT record the dns stack publishes (served by the test's Knot in the root's network
// namespace). A second run changes nothing. Skipped with a printed reason where the tools or root are missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { zoneValue } from '../dns/zonefile.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { serviceDnsRecords } from '../services/dns.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { type BootedRoot, bootUnavailable } from './helpers/booted-root.ts';
import {
  disableBeforeBoot,
  bootForConverge,
  daemonReport,
  startInNetwork,
  waitInRoot,
} from './helpers/booted-services.ts';
import { debianRoot, hostRoot } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { missingDnsTools } from './helpers/knot.ts';
import { DKIM_SELECTOR, MAIL_DOMAIN, MAIL_VM, mailOrg } from './helpers/mail-org.ts';
import { daemonRootUnavailable, throwawayCertificate } from './helpers/root-daemons.ts';

const UNAVAILABLE =
  daemonRootUnavailable(['openssl']) ??
  bootUnavailable() ??
  (missingDnsTools().length > 0 ? `DNS tools missing: ${missingDnsTools().join(', ')}` : undefined);
if (UNAVAILABLE) console.warn(`skipping the mail real-root tests: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'mail-roots-'));
const root = join(work, 'roots', MAIL_VM);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
/** Ada's mailbox password: a throwaway whose hash is all the root gets. */
const PASSWORD = `Throwaway${Date.now().toString(36)}Mailbox`;
const ADA = `ada@${MAIL_DOMAIN}`;
let model: Model;
let first: RunResult;
let second: RunResult;
let booted: BootedRoot;
/** The mail server's daemons: their states before the first converge (none may run yet). */
const DAEMONS = ['postfix', 'dovecot', 'rspamd'];
let before: string[];

/** Knot serving the mail domain's zone with the records the services want (the DKIM TXT among them). */
function writeZone(): string {
  const dir = join(work, 'knot');
  mkdirSync(join(dir, 'db'), { recursive: true });
  const records = serviceDnsRecords(model.services).filter(
    (r) => r.name === MAIL_DOMAIN || r.name.endsWith(`.${MAIL_DOMAIN}`),
  );
  const lines = [
    `${MAIL_DOMAIN}. 3600 IN SOA ns.${MAIL_DOMAIN}. hostmaster.${MAIL_DOMAIN}. 1 3600 600 86400 300`,
    `${MAIL_DOMAIN}. 3600 IN NS ns.${MAIL_DOMAIN}.`,
    ...records.map((r) => `${r.name}. 3600 IN ${r.type} ${zoneValue(r.type, r.value)}`),
  ];
  writeFileSync(join(dir, `${MAIL_DOMAIN}.zone`), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:\n  listen: 127.0.0.1@53\n  rundir: ${dir}\ndatabase:\n  storage: ${join(dir, 'db')}\n` +
      `zone:\n  - domain: ${MAIL_DOMAIN}\n    file: ${join(dir, `${MAIL_DOMAIN}.zone`)}\n`,
  );
  return join(dir, 'knot.conf');
}

/** Submits mail on 587 as `login`, From `sender`; prints `sent` or the server's refusal. */
const SEND = `import smtplib, ssl, sys
login, password, sender, subject = sys.argv[1:5]
message = f"From: {sender}\\r\\nTo: ${ADA}\\r\\nSubject: {subject}\\r\\nMessage-ID: <{subject}@test>\\r\\n\\r\\nHello from the test.\\r\\n"
try:
    with smtplib.SMTP("127.0.0.1", 587, timeout=30) as s:
        s.starttls(context=ssl._create_unverified_context())
        s.login(login, password)
        s.sendmail(sender, ["${ADA}"], message)
    print("sent", subject)
except smtplib.SMTPException as e:
    print("refused", subject, type(e).__name__)
`;

/** The root with its packages, the secrets converge hands over, and what exists before a first converge. */
function prepare(): void {
  const org = mailOrg(work);
  model = deriveModel(validInventory(org.inventory));
  const vm = vmNamed(model.inventory, MAIL_VM);
  // What a booted root needs (systemd as PID 1, its bus) besides the VM's own packages.
  const packages = ['python3', 'systemd', 'systemd-sysv', 'dbus', ...convergeModel(model, vm).packages];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  cleanups.push(hostRoot(built.dir, root));
  disableBeforeBoot(root, DAEMONS);
  // As converge hands them over: throwaway values, the real DKIM key of vms.yaml, and Ada's password.
  const values = new Map(secretNeeds(model).map((n) => [secretKey(n), `throwaway ${secretKey(n)}`]));
  values.set(`service/mail-${MAIL_VM}/dkim-key`, org.dkimPrivateKey);
  values.set(`service/mail-${MAIL_VM}/mailbox-ada`, PASSWORD);
  writeFileSync(secretsFile, secretVarsFile(values), { mode: 0o600 });
  // No ACME server here: the certificate exists already, as after a first issuance (a throwaway self-signed one).
  for (const { name } of vmCertificates(model, vm)) throwawayCertificate(root, name);
  // The resolver rspamd asks for the DKIM record: the test's Knot in the root's network namespace.
  writeFileSync(join(root, 'etc/resolv.conf'), 'nameserver 127.0.0.1\n');
  writeFileSync(join(root, 'root/send.py'), SEND);
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  prepare();
  ({ booted, before } = await bootForConverge(root, 'infra-mail', work, DAEMONS, cleanups));
  const started = performance.now();
  cleanups.unshift(startInNetwork(booted, ['knotd', '-c', writeZone()], join(work, 'knot.log')));
  const dkim = `${DKIM_SELECTOR}._domainkey.${MAIL_DOMAIN}`;
  waitInRoot(booted, 'knot', [
    'sh',
    '-c',
    `python3 -c "import socket; socket.create_connection(('127.0.0.1', 53), 1)"`,
  ]);
  console.info(`knot in ${((performance.now() - started) / 1000).toFixed(1)} s (${dkim})`);
  writeChrootPlaybooks(
    model,
    [convergeModel(model, vmNamed(model.inventory, MAIL_VM))],
    () => root,
    playbooks,
    () => booted.exe,
  );
  first = await convergeRoots(playbooks, [MAIL_VM], ['-e', `@${secretsFile}`]);
  console.info(`first run: ${first.seconds.toFixed(1)} s`);
  second = await convergeRoots(playbooks, [MAIL_VM], ['-e', `@${secretsFile}`]);
  console.info(`second run: ${second.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

/** Runs a command in the booted root; its status and output. */
const inside = (argv: readonly string[]): { status: number; output: string } => booted.run(argv, 120_000);

describe.skipIf(UNAVAILABLE)('the mail server converged into a real Debian root booted with systemd', () => {
  it('converges without a failure, and a second run changes nothing', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
    expect(second.status, second.output.slice(-4000)).toBe(0);
    expect(second.changed.get(MAIL_VM) ?? []).toEqual([]);
    expect(second.stats[MAIL_VM]?.changed).toBe(0);
  });

  it('runs Postfix, Dovecot and rspamd because the playbook enabled and started them', () => {
    expect(before).toEqual(DAEMONS.map((d) => `${d}=inactive/disabled`));
    expect(first.changed.get(MAIL_VM)).toContain('Start the services');
    const report = daemonReport(booted, DAEMONS);
    expect(report.states).toEqual(DAEMONS.map((d) => `${d}=active/enabled`));
    expect(report.failed).toEqual([]);
  });

  it("passes Postfix's, Dovecot's and rspamd's own checks", () => {
    for (const argv of [
      ['postfix', 'check'],
      ['doveconf', '-n'],
      ['rspamadm', 'configtest'],
    ]) {
      const run = inside(argv);
      expect(run.status, `${argv.join(' ')}:\n${run.output}`).toBe(0);
    }
    expect(inside(['postconf', '-h', 'virtual_mailbox_domains']).output.trim()).toBe(MAIL_DOMAIN);
  }, 120_000);

  it('gives Dovecot only a hash of the mailbox password, one that Dovecot itself verifies', () => {
    const users = readFileSync(join(root, 'etc/dovecot/users'), 'utf8');
    expect(users).not.toContain(PASSWORD);
    const hash = /^ada@test\.example\.org:(\{SSHA512\}[^:]+):/m.exec(users)?.[1];
    expect(hash).toBeDefined();
    const verify = inside(['doveadm', 'pw', '-t', hash!, '-p', PASSWORD]);
    expect(verify.output).toContain('verified');
    expect(inside(['doveadm', 'pw', '-t', hash!, '-p', 'wrong']).status).not.toBe(0);
    const plain = spawnSync('grep', ['-rl', PASSWORD, join(root, 'etc')], { encoding: 'utf8' });
    expect(plain.stdout).toBe('');
  });

  it("delivers a member's submitted mail into the mailbox, DKIM-signed, and rspamd verifies the signature", () => {
    // rspamd compiles its rules at start: a minute or more on a loaded machine.
    waitInRoot(booted, 'rspamd', ['rspamc', '-h', '127.0.0.1:11334', 'stat'], 300);
    waitInRoot(booted, 'postfix', ['python3', '-c', CONNECTS_587]);
    const send = (...args: string[]): string => inside(['python3', '/root/send.py', ...args]).output;
    expect(send(ADA, 'wrong', ADA, 'badpassword')).toContain('refused badpassword SMTPAuthenticationError');
    expect(send(ADA, PASSWORD, `bob@${MAIL_DOMAIN}`, 'notmine')).toMatch(/refused notmine SMTP\w+/);
    expect(send(ADA, PASSWORD, ADA, 'signed')).toContain('sent signed');
    const maildir = `/var/vmail/${MAIL_DOMAIN}/ada/Maildir/new`;
    waitInRoot(booted, 'delivery', ['sh', '-c', `ls ${maildir}/* >/dev/null 2>&1`]);
    const messages = readdirSync(join(root, maildir));
    expect(messages).toHaveLength(1);
    const mail = `${maildir}/${messages[0]}`;
    expect(readFileSync(join(root, mail), 'utf8').match(/^DKIM-Signature:/gm)).toHaveLength(1);
    // From outside our networks, as a receiver sees it; then the same mail with its body changed.
    const symbols = (file: string): string =>
      inside(['sh', '-c', `rspamc -h 127.0.0.1:11334 -i 203.0.113.7 symbols < ${file}`]).output;
    expect(symbols(mail)).toContain('R_DKIM_ALLOW');
    inside(['sh', '-c', `sed "s/Hello from the test/Hello from someone else/" ${mail} > /root/tampered`]);
    const tampered = symbols('/root/tampered');
    expect(tampered).not.toContain('R_DKIM_ALLOW');
    expect(tampered).toContain('R_DKIM_REJECT');
    const imap = inside(['python3', '-c', IMAP_COUNT]);
    expect(imap.output, readFileSync(join(work, 'knot.log'), 'utf8')).toContain('imap 1');
  }, 600_000);
});

/** Succeeds once Postfix takes connections on submission. */
const CONNECTS_587 = "import socket; socket.create_connection(('127.0.0.1', 587), 1)";
/** Logs in to Ada's mailbox over IMAPS and prints how many messages INBOX holds. */
const IMAP_COUNT = `import imaplib, ssl
m = imaplib.IMAP4_SSL('127.0.0.1', 993, ssl_context=ssl._create_unverified_context())
m.login('${ADA}', '${PASSWORD}')
print('imap', m.select('INBOX')[1][0].decode())
`;
