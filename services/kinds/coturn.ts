// coturn: TURN/STUN relay for WebRTC clients behind NAT or strict firewalls (BigBlueButton, Jitsi, Matrix calls).
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { stringParam } from './_helpers.ts';

export const coturn = defineKind({
  kind: 'coturn',
  title: 'coturn (TURN/STUN server)',
  notes: 'Debian package coturn. Certificate for TURN over TLS by ACME DNS-01 (docs/certificates.md).',
  size: { cores: 2, memory: 2, disk: 16 },
  ports: [
    { proto: 'udp', port: portRange(3478), reach: 'public', ipv4: true, purpose: 'STUN/TURN' },
    { proto: 'tcp', port: portRange(3478), reach: 'public', ipv4: true, purpose: 'STUN/TURN over TCP' },
    { proto: 'tcp', port: portRange(5349), reach: 'public', ipv4: true, purpose: 'TURN over TLS' },
    { proto: 'udp', port: portRange(49152, 65535), reach: 'public', ipv4: true, purpose: 'TURN relay ports' },
  ],
  params: ['domain'],
  names: (ctx) => [stringParam(ctx, 'domain') ?? ctx.fqdn],
  certificate: { consumers: ['coturn'] },
  // A TURN name of its own points at the VM.
  dns: (ctx) => {
    const name = stringParam(ctx, 'domain');
    return name && name !== ctx.fqdn ? [{ name, type: 'CNAME', value: ctx.fqdn }] : [];
  },
  checks: (ctx) => [
    {
      type: 'tls',
      name: 'turns certificate',
      host: stringParam(ctx, 'domain') ?? ctx.fqdn,
      port: 5349,
    },
  ],
  backup: { paths: ['/etc/turnserver.conf', '/etc/letsencrypt'] },
  packages: ['coturn'],
  user: 'turnserver',
  dependsOn: [],
});
