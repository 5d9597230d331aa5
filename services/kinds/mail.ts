// The mail server of the organisation's domain: MX, submission and IMAP (Postfix, Dovecot, rspamd).
import { portRange } from '../../inventory/ports.ts';
import { defineKind, type NameContext } from '../types.ts';
import { listParam, local, mailPolicy, stringParam } from './_helpers.ts';

/** DKIM of a mail instance as vms.yaml gives it: the selector and the public key published for it. */
export interface DkimParam {
  readonly selector: string;
  readonly public_key: string;
}

/** The mail domains an instance receives and signs for: `domain` (default the organisation's), then `aliases`. */
export function mailDomains(ctx: Pick<NameContext, 'params' | 'domain'>): string[] {
  return [...new Set([stringParam(ctx, 'domain') ?? ctx.domain, ...listParam(ctx, 'aliases')])];
}

/** The instance's DKIM selector and public key, when vms.yaml gives them. */
export function dkimParam(ctx: Pick<NameContext, 'params'>): DkimParam | undefined {
  const value = ctx.params.dkim;
  if (typeof value !== 'object' || value === null) return undefined;
  const { selector, public_key } = value as Record<string, unknown>;
  return typeof selector === 'string' && typeof public_key === 'string'
    ? { selector, public_key }
    : undefined;
}

/** The DKIM TXT record of a domain: RSA, the public key of the store's private one (RFC 6376 3.6.1). */
export function dkimRecord(domain: string, dkim: DkimParam): { name: string; type: 'TXT'; value: string } {
  return {
    name: `${dkim.selector}._domainkey.${domain}`,
    type: 'TXT',
    value: `v=DKIM1; k=rsa; p=${dkim.public_key}`,
  };
}

export const mail = defineKind({
  kind: 'mail',
  title: 'Mail server (Postfix, Dovecot, rspamd)',
  notes:
    "Certificate for the VM's name by ACME DNS-01 (docs/certificates.md). DKIM private key in the secrets " +
    'store, its public half in vms.yaml (`dkim:`), published by the dns stack. Mailboxes: baseline/mail.ts.',
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
  // `domain` is the mail domain (default: the organisation's), `aliases` more mail domains; the MX target is
  // the VM itself. `dkim: { selector, public_key }` publishes the signing key's public half.
  params: ['domain', 'aliases', 'dkim'],
  names: (ctx) => [ctx.fqdn],
  certificate: { consumers: ['postfix', 'dovecot'] },
  sendsMailFor: (ctx) => mailDomains(ctx),
  dns: (ctx) => {
    const dkim = dkimParam(ctx);
    return mailDomains(ctx).flatMap((domain) => [
      { name: domain, type: 'MX' as const, value: `10 ${ctx.fqdn}` },
      ...mailPolicy(domain),
      ...(dkim ? [dkimRecord(domain, dkim)] : []),
    ]);
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
