// The mail server of a VM running `mail`: Postfix (MX, submission with SASL through Dovecot, relay for our own
// networks), Dovecot (IMAP and LMTP delivery into the members' mailboxes) and rspamd (DKIM signing).
//
// Passwords never reach the VM: converge hands Dovecot a salted SHA-512 of each mailbox password from the store
// (`<key>.hash`, baseline/secret-vars.ts). The passwords are 32 random characters, so a fast hash is as safe
// as a slow one here, and its salt is derived from the password so that a second converge writes the same file.
import { createHash, createHmac } from 'node:crypto';
import { formatAddress, type Prefix } from '../inventory/net.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { instanceScope } from '../model/instance-names.ts';
import { MAIL_KIND, type Mailbox, mailboxes, onCallAddresses } from '../model/mailboxes.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { dkimParam, mailDomains } from '../services/kinds/mail.ts';
import { orgPrefixes } from '../model/firewall.ts';
import { generated, type Part, secretRef, shellWord, type VmFile } from './parts.ts';

export const VMAIL = '/var/vmail';
const MAILBOX_SECRET = /\/mailbox-[a-z0-9-]+$/;

/** Keys of the store the mail part writes itself (as hashes, or into rspamd's key file), never as plain files. */
export function writtenByMail(key: string): boolean {
  return MAILBOX_SECRET.test(key) || key.endsWith('/dkim-key');
}

/** True for the store keys whose value Dovecot gets as `<key>.hash`. */
export function isMailboxSecret(key: string): boolean {
  return MAILBOX_SECRET.test(key);
}

/** Dovecot's `{SSHA512}`: base64 of SHA-512(password ‖ salt) ‖ salt, the salt derived from the password. */
export function dovecotHash(password: string): string {
  const salt = createHmac('sha256', password).update('infra dovecot salt').digest().subarray(0, 16);
  const digest = createHash('sha512').update(password).update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** A prefix as Postfix's mynetworks writes it: IPv6 in brackets. */
function postfixNetwork(prefix: Prefix): string {
  if (prefix.family === 4) return prefix.text;
  return `[${formatAddress(prefix.network, 6)}]/${prefix.length}`;
}

const live = (fqdn: string, file: string): string => `/etc/letsencrypt/live/${fqdn}/${file}`;

function mainCf(model: Model, instance: ServiceInstance): string {
  const { fqdn } = instance.ctx;
  const networks = ['127.0.0.0/8', '[::1]/128', ...orgPrefixes(model.inventory).map(postfixNetwork)];
  const lines = [
    'compatibility_level = 3.6',
    `myhostname = ${fqdn}`,
    'myorigin = $myhostname',
    'mydestination = $myhostname, localhost',
    // Relay for the organisation's VMs (their nullmailer) and nobody else; members relay after SASL.
    `mynetworks = ${networks.join(' ')}`,
    'inet_interfaces = all',
    'inet_protocols = all',
    'smtpd_banner = $myhostname ESMTP',
    'biff = no',
    'append_dot_mydomain = no',
    'recipient_delimiter = +',
    'alias_maps = hash:/etc/aliases',
    'alias_database = hash:/etc/aliases',
    'smtpd_helo_required = yes',
    'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination',
    `virtual_mailbox_domains = ${mailDomains(instance.ctx).join(' ')}`,
    'virtual_mailbox_maps = texthash:/etc/postfix/mailboxes',
    'virtual_alias_maps = texthash:/etc/postfix/aliases',
    'virtual_transport = lmtp:unix:private/dovecot-lmtp',
    `smtpd_tls_cert_file = ${live(fqdn, 'fullchain.pem')}`,
    `smtpd_tls_key_file = ${live(fqdn, 'privkey.pem')}`,
    'smtpd_tls_security_level = may',
    'smtpd_tls_protocols = >=TLSv1.2',
    'smtpd_tls_mandatory_protocols = >=TLSv1.2',
    'smtp_tls_security_level = may',
    'smtp_tls_CApath = /etc/ssl/certs',
    'smtpd_sasl_type = dovecot',
    'smtpd_sasl_path = private/auth',
    // rspamd's proxy worker (Debian's default, localhost:11332) signs and scans every message.
    'smtpd_milters = inet:127.0.0.1:11332',
    'non_smtpd_milters = inet:127.0.0.1:11332',
    'milter_default_action = accept',
    'message_size_limit = 52428800',
    'mailbox_size_limit = 0',
  ];
  return generated('#', `${lines.join('\n')}\n`);
}

/** Postfix's services: Debian's defaults, and submission (587) and submissions (465) for members only. */
function masterCf(): string {
  const submission = [
    '  -o smtpd_tls_auth_only=yes',
    '  -o smtpd_sasl_auth_enable=yes',
    '  -o smtpd_client_restrictions=permit_sasl_authenticated,reject',
    // A member sends only as their own address.
    '  -o smtpd_sender_login_maps=texthash:/etc/postfix/mailboxes',
    '  -o smtpd_sender_restrictions=reject_sender_login_mismatch',
    '  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
    '  -o milter_macro_daemon_name=ORIGINATING',
  ];
  const rows = [
    'smtp      inet  n       -       n       -       -       smtpd',
    'submission inet n       -       n       -       -       smtpd',
    '  -o syslog_name=postfix/submission',
    '  -o smtpd_tls_security_level=encrypt',
    ...submission,
    'submissions inet n      -       n       -       -       smtpd',
    '  -o syslog_name=postfix/submissions',
    '  -o smtpd_tls_wrappermode=yes',
    ...submission,
    'pickup    unix  n       -       n       60      1       pickup',
    'cleanup   unix  n       -       n       -       0       cleanup',
    'qmgr      unix  n       -       n       300     1       qmgr',
    'tlsmgr    unix  -       -       n       1000?   1       tlsmgr',
    'rewrite   unix  -       -       n       -       -       trivial-rewrite',
    'bounce    unix  -       -       n       -       0       bounce',
    'defer     unix  -       -       n       -       0       bounce',
    'trace     unix  -       -       n       -       0       bounce',
    'verify    unix  -       -       n       -       1       verify',
    'flush     unix  n       -       n       1000?   0       flush',
    'proxymap  unix  -       -       n       -       -       proxymap',
    'proxywrite unix -       -       n       -       1       proxymap',
    'smtp      unix  -       -       n       -       -       smtp',
    'relay     unix  -       -       n       -       -       smtp',
    '  -o syslog_name=postfix/$service_name',
    'showq     unix  n       -       n       -       -       showq',
    'error     unix  -       -       n       -       -       error',
    'retry     unix  -       -       n       -       -       error',
    'discard   unix  -       -       n       -       -       discard',
    'local     unix  -       n       n       -       -       local',
    'virtual   unix  -       n       n       -       -       virtual',
    'lmtp      unix  -       -       n       -       -       lmtp',
    'anvil     unix  -       -       n       -       1       anvil',
    'scache    unix  -       -       n       -       1       scache',
    'postlog   unix-dgram n  -       n       -       1       postlogd',
  ];
  return generated('#', `${rows.join('\n')}\n`);
}

/** postmaster@, abuse@ of each domain and the VM's root: to the members on call (none: those stay unknown). */
function aliasesFile(model: Model, instance: ServiceInstance): string {
  const oncall = onCallAddresses(model, instance);
  const lines =
    oncall.length === 0
      ? []
      : [
          ...mailDomains(instance.ctx).flatMap((d) => [`postmaster@${d}`, `abuse@${d}`]),
          `root@${instance.ctx.fqdn}`,
        ].map((address) => `${address} ${oncall.join(', ')}`);
  return generated('#', lines.map((l) => `${l}\n`).join(''));
}

function dovecotConf(instance: ServiceInstance): string {
  const { fqdn } = instance.ctx;
  const domain = mailDomains(instance.ctx)[0]!;
  const conf = `protocols = imap lmtp
listen = *, ::
mail_location = maildir:${VMAIL}/%d/%n/Maildir
first_valid_uid = 100
disable_plaintext_auth = yes
auth_mechanisms = plain login
ssl = required
ssl_cert = <${live(fqdn, 'fullchain.pem')}
ssl_key = <${live(fqdn, 'privkey.pem')}
ssl_dh = </usr/share/dovecot/dh.pem
ssl_min_protocol = TLSv1.2
passdb {
  driver = passwd-file
  args = scheme=SSHA512 username_format=%u /etc/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%u /etc/dovecot/users
  default_fields = uid=vmail gid=vmail home=${VMAIL}/%d/%n
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener /var/spool/postfix/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
protocol lmtp {
  postmaster_address = postmaster@${domain}
}
`;
  return generated('#', conf);
}

/** Dovecot's users: each mailbox with the hash of its password (a template of store references). */
function usersFile(boxes: readonly Mailbox[]): string {
  return generated('#', boxes.map((b) => `${b.address}:${secretRef(`${b.secret}.hash`)}::::::\n`).join(''));
}

const DKIM_DIR = '/etc/rspamd/dkim';

/** rspamd signs mail from members (authenticated) and our networks for each mail domain, with the store's key. */
function dkimFiles(model: Model, instance: ServiceInstance): VmFile[] {
  const dkim = dkimParam(instance.ctx);
  if (!dkim) return [];
  const key = `${DKIM_DIR}/${dkim.selector}.key`;
  const domains = mailDomains(instance.ctx).map(
    (d) => `  "${d}" {\n    path = "${key}";\n    selector = "${dkim.selector}";\n  }`,
  );
  const conf = [
    'sign_authenticated = true;',
    'sign_local = true;',
    // The From domain itself, not its registrable parent: subdomains can be mail domains of their own.
    'use_esld = false;',
    'allow_username_mismatch = true;',
    'domain {',
    ...domains,
    '}',
  ];
  // The key replaces the old one only when its public half is the one vms.yaml publishes.
  const check = `openssl pkey -in "$1" -pubout -outform DER | base64 -w0 | grep -qx ${shellWord(dkim.public_key)}`;
  return [
    {
      path: '/etc/rspamd/local.d/dkim_signing.conf',
      content: generated('#', `${conf.join('\n')}\n`),
      permissions: '0644',
      defer: true,
      reload: 'reload rspamd',
    },
    {
      path: key,
      content: `${secretRef(`${instanceScope(model, instance)}/dkim-key`)}\n`,
      permissions: '0640',
      owner: 'root:_rspamd',
      secret: true,
      validate: `sh -c ${shellWord(check)} check %s`,
      reload: 'reload rspamd',
    },
  ];
}

/** The mail server's files, its mail user and mail directory; undefined on a VM without `mail`. */
export function mailPart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === MAIL_KIND);
  if (!instance) return undefined;
  const boxes = mailboxes(model, instance);
  const postfix = (path: string, content: string): VmFile => ({
    path,
    content,
    permissions: '0644',
    defer: true,
    reload: 'reload postfix',
  });
  const files: VmFile[] = [
    postfix('/etc/postfix/main.cf', mainCf(model, instance)),
    postfix('/etc/postfix/master.cf', masterCf()),
    postfix(
      '/etc/postfix/mailboxes',
      generated('#', boxes.map((b) => `${b.address} ${b.address}\n`).join('')),
    ),
    postfix('/etc/postfix/aliases', aliasesFile(model, instance)),
    {
      path: '/etc/dovecot/dovecot.conf',
      content: dovecotConf(instance),
      permissions: '0644',
      defer: true,
      reload: 'restart dovecot',
    },
    {
      path: '/etc/dovecot/users',
      content: usersFile(boxes),
      permissions: '0640',
      owner: 'root:dovecot',
      defer: true,
      // A template only when it holds a store reference: without mailboxes it is plain text.
      ...(boxes.length > 0 ? { secret: true as const } : {}),
      reload: 'restart dovecot',
    },
    ...dkimFiles(model, instance),
  ];
  return {
    name: `mail: ${mailDomains(instance.ctx).join(', ')} (${boxes.length} mailboxes)`,
    // openssl checks the DKIM key against the published record before it is used.
    packages: ['openssl'],
    services: ['postfix', 'dovecot', 'rspamd'],
    users: [
      {
        name: 'vmail',
        gecos: 'Mailboxes (Dovecot)',
        system: true,
        homedir: VMAIL,
        shell: '/usr/sbin/nologin',
        lock_passwd: true,
      },
    ],
    directories: [
      { path: VMAIL, mode: '0750', owner: 'vmail:vmail' },
      { path: DKIM_DIR, mode: '0750', owner: 'root:_rspamd' },
    ],
    files,
  };
}
