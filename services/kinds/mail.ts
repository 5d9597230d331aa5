// The mail server of the organisation's domain: MX, submission and IMAP (Postfix, Dovecot, rspamd).
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local, mailPolicy, stringParam } from './_helpers.ts';

export const mail = defineKind({
  kind: 'mail',
  title: 'Mail server (Postfix, Dovecot, rspamd)',
  notes:
    "Certificate for the VM's name by ACME DNS-01 (docs/certificates.md). DKIM keys are made on the VM, not here.",
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(25), reach: 'public', ipv4: true, purpose: 'SMTP (MX)' },
    { proto: 'tcp', port: portRange(465), reach: 'public', ipv4: true, purpose: 'SMTP submission over TLS' },
    {
      proto: 'tcp',
      port: portRange(587),
      reach: 'public',
      ipv4: true,
      purpose: 'SMTP submission (STARTTLS)',
    },
    { proto: 'tcp', port: portRange(993), reach: 'public', ipv4: true, purpose: 'IMAP over TLS' },
  ],
  // `domain` is the mail domain (default: the organisation's); the MX target is the VM itself.
  params: ['domain', 'aliases'],
  names: (ctx) => [ctx.fqdn],
  certificate: { consumers: ['postfix', 'dovecot'] },
  sendsMailFor: (ctx) => [stringParam(ctx, 'domain') ?? ctx.domain],
  dns: (ctx) => {
    const domain = stringParam(ctx, 'domain') ?? ctx.domain;
    return [{ name: domain, type: 'MX', value: `10 ${ctx.fqdn}` }, ...mailPolicy(domain)];
  },
  checks: (ctx) => [
    { type: 'smtp', name: 'smtp', port: 25 },
    { type: 'tls', name: 'smtp certificate', host: ctx.fqdn, port: 25, starttls: 'smtp' },
    { type: 'tls', name: 'submission certificate', host: ctx.fqdn, port: 587, starttls: 'smtp' },
    { type: 'tls', name: 'imaps certificate', host: ctx.fqdn, port: 993 },
    local('mail queue', 'check_mailq', '-w', '50', '-c', '200', '-M', 'postfix'),
  ],
  backup: { paths: ['/etc/postfix', '/etc/dovecot', '/etc/rspamd', '/etc/letsencrypt', '/var/vmail'] },
  packages: ['postfix', 'dovecot-imapd', 'dovecot-lmtpd', 'dovecot-sieve', 'rspamd'],
  dependsOn: [],
});
