// The mail server's playbook converged into a real bookworm root (Ansible's chroot connection) and proven by
// its own programs: `postfix check`, `doveconf -n`, `rspamadm configtest`; then Postfix, Dovecot and rspamd
// started in the root, in a network and PID namespace of their own on loopback, take a member's mail on
// submission (587), deliver it into the member's mailbox, sign it with the store's DKIM key, and rspamd
// verifies the signature against the TXT record the dns stack publishes (served by Knot in the namespace).
// A second run changes nothing. Skipped with a printed reason where the tools or root are missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { debianRoot, hostRoot, inRoot } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { missingDnsTools } from './helpers/knot.ts';
import { DKIM_SELECTOR, MAIL_DOMAIN, MAIL_VM, mailOrg } from './helpers/mail-org.ts';
import { daemonRootUnavailable, inNamespaces, throwawayCertificate } from './helpers/root-daemons.ts';

const UNAVAILABLE =
  daemonRootUnavailable(['openssl']) ??
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

/** Runs a script in namespaces of its own; `ROOT` is the root, `WORK` the test's directory. */
function inNamespace(script: string): { status: number; output: string } {
  return inNamespaces(`ROOT=${root}\nWORK=${work}\n${script}`, 540_000);
}

/** Waits (up to `seconds`) until `ready` succeeds; the check is the condition, the pause only paces it. */
function waitFor(what: string, ready: string, seconds = 30): string {
  return `i=0; until ${ready} >/dev/null 2>&1; do i=$((i+1)); [ $i -lt ${seconds * 10} ] || { echo "not ready: ${what}"; exit 1; }; sleep 0.1; done`;
}

/** Knot serving the mail domain's zone with the records the services want (the DKIM TXT among them). */
function writeZone(): void {
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
}

/** Starts Knot, rspamd, Dovecot and Postfix in the namespace and waits for each. */
const START = [
  // A new server every time: a pid file left by an earlier namespace would stop it.
  'rm -f "$WORK/knot/knot.pid"',
  'knotd -c "$WORK/knot/knot.conf" >"$WORK/knot.log" 2>&1 &',
  waitFor('knot', `kdig @127.0.0.1 +short TXT ${DKIM_SELECTOR}._domainkey.${MAIL_DOMAIN} | grep -q DKIM1`),
  'chroot "$ROOT" install -d -o _rspamd -g _rspamd /run/rspamd',
  'chroot "$ROOT" /usr/bin/rspamd -f -u _rspamd -g _rspamd -c /etc/rspamd/rspamd.conf >"$WORK/rspamd.log" 2>&1 &',
  // rspamd compiles its rules at start: a minute or more on a loaded machine.
  waitFor('rspamd', 'chroot "$ROOT" rspamc -h 127.0.0.1:11334 stat', 300),
  'chroot "$ROOT" /usr/sbin/dovecot -F >"$WORK/dovecot.log" 2>&1 &',
  waitFor('dovecot', 'test -S "$ROOT/var/spool/postfix/private/auth"'),
  'chroot "$ROOT" /usr/sbin/postfix start',
  waitFor(
    'postfix',
    `chroot "$ROOT" python3 -c "import socket; socket.create_connection(('127.0.0.1', 587), 1)"`,
  ),
].join('\n');

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

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const org = mailOrg(work);
  model = deriveModel(validInventory(org.inventory));
  const vm = vmNamed(model.inventory, MAIL_VM);
  const packages = ['python3', 'systemd', ...convergeModel(model, vm).packages];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  cleanups.push(hostRoot(built.dir, root));
  writeChrootPlaybooks(model, [convergeModel(model, vm)], () => root, playbooks);
  // As converge hands them over: throwaway values, the real DKIM key of vms.yaml, and Ada's password.
  const values = new Map(secretNeeds(model).map((n) => [secretKey(n), `throwaway ${secretKey(n)}`]));
  values.set(`service/mail-${MAIL_VM}/dkim-key`, org.dkimPrivateKey);
  values.set(`service/mail-${MAIL_VM}/mailbox-ada`, PASSWORD);
  writeFileSync(secretsFile, secretVarsFile(values), { mode: 0o600 });
  // No ACME server here: the certificate exists already, as after a first issuance (a throwaway self-signed one).
  for (const { name } of vmCertificates(model, vm)) throwawayCertificate(root, name);
  first = await convergeRoots(playbooks, [MAIL_VM], ['-e', `@${secretsFile}`]);
  console.info(`first run: ${first.seconds.toFixed(1)} s`);
  second = await convergeRoots(playbooks, [MAIL_VM], ['-e', `@${secretsFile}`]);
  console.info(`second run: ${second.seconds.toFixed(1)} s`);
  writeZone();
  // The resolver rspamd asks for the DKIM record: Knot in the namespace.
  writeFileSync(join(root, 'etc/resolv.conf'), 'nameserver 127.0.0.1\n');
  writeFileSync(join(root, 'root/send.py'), SEND);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('the mail server converged into a real Debian root', () => {
  it('converges without a failure, and a second run changes nothing', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
    expect(second.status, second.output.slice(-4000)).toBe(0);
    expect(second.changed.get(MAIL_VM) ?? []).toEqual([]);
    expect(second.stats[MAIL_VM]?.changed).toBe(0);
  });

  it("passes Postfix's, Dovecot's and rspamd's own checks", () => {
    for (const argv of [
      ['postfix', 'check'],
      ['doveconf', '-n'],
      ['rspamadm', 'configtest'],
    ]) {
      const run = inRoot(root, argv);
      expect(run.status, `${argv.join(' ')}:\n${run.output}`).toBe(0);
    }
    expect(inRoot(root, ['postconf', '-h', 'virtual_mailbox_domains']).output.trim()).toBe(MAIL_DOMAIN);
  }, 120_000);

  it('gives Dovecot only a hash of the mailbox password, one that Dovecot itself verifies', () => {
    const users = readFileSync(join(root, 'etc/dovecot/users'), 'utf8');
    expect(users).not.toContain(PASSWORD);
    const hash = /^ada@test\.example\.org:(\{SSHA512\}[^:]+):/m.exec(users)?.[1];
    expect(hash).toBeDefined();
    const verify = inRoot(root, ['doveadm', 'pw', '-t', hash!, '-p', PASSWORD]);
    expect(verify.output).toContain('verified');
    expect(inRoot(root, ['doveadm', 'pw', '-t', hash!, '-p', 'wrong']).status).not.toBe(0);
    const plain = spawnSync('grep', ['-rl', PASSWORD, join(root, 'etc')], { encoding: 'utf8' });
    expect(plain.stdout).toBe('');
  });

  it("delivers a member's submitted mail into the mailbox, DKIM-signed, and rspamd verifies the signature", () => {
    const maildir = `"$ROOT/var/vmail/${MAIL_DOMAIN}/ada/Maildir/new"`;
    const run = inNamespace(
      [
        START,
        `chroot "$ROOT" python3 /root/send.py ${ADA} wrong ${ADA} badpassword`,
        `chroot "$ROOT" python3 /root/send.py ${ADA} ${PASSWORD} bob@${MAIL_DOMAIN} notmine`,
        `chroot "$ROOT" python3 /root/send.py ${ADA} ${PASSWORD} ${ADA} signed`,
        waitFor('delivery', `ls ${maildir}/* `),
        `mail=$(ls ${maildir}/* | head -n 1)`,
        'echo "signatures=$(grep -c "^DKIM-Signature:" "$mail")"',
        'echo "messages=$(ls ' + maildir + ' | wc -l)"',
        // From outside our networks, as a receiver sees it; then the same mail with its body changed.
        'chroot "$ROOT" rspamc -h 127.0.0.1:11334 -i 203.0.113.7 symbols < "$mail" | sed "s/^/verify: /"',
        'sed "s/Hello from the test/Hello from someone else/" "$mail" > "$WORK/tampered"',
        'chroot "$ROOT" rspamc -h 127.0.0.1:11334 -i 203.0.113.7 symbols < "$WORK/tampered" | sed "s/^/tampered: /"',
        `chroot "$ROOT" python3 -c "import imaplib, ssl; m = imaplib.IMAP4_SSL('127.0.0.1', 993, ssl_context=ssl._create_unverified_context()); m.login('${ADA}', '${PASSWORD}'); print('imap', m.select('INBOX')[1][0].decode())"`,
        'chroot "$ROOT" /usr/sbin/postfix stop',
      ].join('\n'),
    );
    const logs = ['knot', 'rspamd', 'dovecot']
      .map((d) => {
        try {
          return `--- ${d}\n${readFileSync(join(work, `${d}.log`), 'utf8').slice(-1500)}`;
        } catch {
          return '';
        }
      })
      .join('\n');
    expect(run.status, `${run.output}\n${logs}`).toBe(0);
    expect(run.output).toContain('refused badpassword SMTPAuthenticationError');
    expect(run.output).toMatch(/refused notmine SMTP\w+/);
    expect(run.output).toContain('sent signed');
    expect(run.output).toContain('signatures=1');
    expect(run.output).toContain('messages=1');
    expect(run.output).toMatch(/verify: .*R_DKIM_ALLOW/);
    expect(run.output).not.toMatch(/tampered: .*R_DKIM_ALLOW/);
    expect(run.output).toMatch(/tampered: .*R_DKIM_REJECT/);
    expect(run.output).toContain('imap 1');
  }, 600_000);
});
