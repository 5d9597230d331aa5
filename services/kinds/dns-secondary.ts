// A public authoritative DNS server: transfers the zones from the hidden primary and answers the world.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const dnsSecondary = defineKind({
  kind: 'dns-secondary',
  title: 'Authoritative DNS, public secondary (Knot DNS)',
  notes: "Debian package knot. Each secondary is a name server (NS) of the organisation's domain.",
  size: { cores: 1, memory: 1, disk: 16 },
  ports: [
    { proto: 'udp', port: portRange(53), reach: 'public', ipv4: true, purpose: 'authoritative DNS' },
    { proto: 'tcp', port: portRange(53), reach: 'public', ipv4: true, purpose: 'authoritative DNS over TCP' },
  ],
  params: [],
  dns: (ctx) => [{ name: ctx.domain, type: 'NS', value: ctx.fqdn }],
  checks: (ctx) => [{ type: 'dns', name: 'serves zone', lookup: ctx.domain, record: 'SOA' }],
  backup: { paths: ['/etc/knot', '/var/lib/knot'] },
  packages: ['knot', 'knot-dnsutils'],
  units: ['knot'],
  user: 'knot',
  dependsOn: ['dns-primary'],
});
