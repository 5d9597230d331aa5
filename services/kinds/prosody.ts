// Prosody, the XMPP server: clients and federation, found through SRV records of the XMPP domain.
import { portRange } from '../../inventory/ports.ts';
import { defineKind, type NameContext } from '../types.ts';
import { stringParam } from './_helpers.ts';

const xmppDomain = (ctx: NameContext): string => stringParam(ctx, 'domain') ?? ctx.domain;

export const prosody = defineKind({
  kind: 'prosody',
  title: 'Prosody (XMPP)',
  notes:
    'Debian package prosody (0.12). Certificate for the XMPP domain by ACME DNS-01 (docs/certificates.md).',
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(5222), reach: 'public', ipv4: true, purpose: 'XMPP client connections' },
    {
      proto: 'tcp',
      port: portRange(5269),
      reach: 'public',
      ipv4: true,
      purpose: 'XMPP server-to-server federation',
    },
  ],
  // `domain` is the XMPP domain (the part after @ in addresses); default: the organisation's domain.
  params: ['domain'],
  names: (ctx) => [xmppDomain(ctx)],
  certificate: { consumers: ['prosody'] },
  dns: (ctx) => {
    const domain = xmppDomain(ctx);
    return [
      { name: `_xmpp-client._tcp.${domain}`, type: 'SRV', value: `5 0 5222 ${ctx.fqdn}` },
      { name: `_xmpp-server._tcp.${domain}`, type: 'SRV', value: `5 0 5269 ${ctx.fqdn}` },
    ];
  },
  checks: (ctx) => [
    { type: 'tls', name: 'xmpp client certificate', host: xmppDomain(ctx), port: 5222, starttls: 'xmpp' },
    { type: 'tls', name: 'xmpp server certificate', host: xmppDomain(ctx), port: 5269, starttls: 'xmpp' },
  ],
  backup: { paths: ['/etc/prosody', '/var/lib/prosody', '/etc/letsencrypt'] },
  packages: ['prosody'],
  units: ['prosody'],
  user: 'prosody',
  dependsOn: [],
});
