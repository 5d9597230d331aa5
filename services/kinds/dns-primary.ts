// The hidden primary of our authoritative DNS: it holds the zones, only the secondaries talk to it.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const dnsPrimary = defineKind({
  kind: 'dns-primary',
  title: 'Authoritative DNS, hidden primary (Knot DNS)',
  notes:
    'Debian package knot. Zones come from the DNS stack (RFC 2136 updates); secondaries transfer them with ' +
    'AXFR/IXFR over TCP and receive NOTIFY.',
  size: { cores: 1, memory: 2, disk: 16 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(53),
      // Every VM that terminates TLS writes its ACME challenges here (TSIG-signed, TXT at _acme-challenge only).
      reach: 'org',
      purpose: 'zone transfers to the secondaries, signed dynamic updates (DNS stack, ACME challenges)',
    },
    { proto: 'udp', port: portRange(53), reach: 'dependents', purpose: 'SOA queries of the secondaries' },
  ],
  params: [],
  checks: (ctx) => [local('zone served', 'check_dig', '-H', '127.0.0.1', '-l', ctx.domain, '-T', 'SOA')],
  backup: { paths: ['/etc/knot', '/var/lib/knot'] },
  packages: ['knot', 'knot-dnsutils', 'monitoring-plugins-standard'],
  units: ['knot'],
  user: 'knot',
  dependsOn: [],
});
