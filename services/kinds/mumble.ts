// Mumble: low-latency voice chat for meetings of the teams and the board.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const mumble = defineKind({
  kind: 'mumble',
  title: 'Mumble server (voice chat)',
  notes:
    'Debian package mumble-server (murmurd); settings in /etc/mumble-server.ini, data in SQLite. Certificate ' +
    "for the VM's name by ACME DNS-01 (docs/certificates.md).",
  size: { cores: 1, memory: 1, disk: 16 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(64738),
      reach: 'public',
      ipv4: true,
      purpose: 'Mumble control channel (TLS)',
    },
    { proto: 'udp', port: portRange(64738), reach: 'public', ipv4: true, purpose: 'Mumble voice' },
  ],
  // `welcome`: the text every user sees on connecting (plain text; baseline/mumble.ts quotes it).
  params: ['welcome'],
  // Its TLS certificate is for the VM's name.
  certificate: { consumers: ['mumble'] },
  backup: { paths: ['/etc/mumble-server.ini', '/var/lib/mumble-server'] },
  packages: ['mumble-server'],
  units: ['mumble-server'],
  dependsOn: [],
});
