// BigBlueButton: web conferencing with its own nginx, TURN client and media ports.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const bigbluebutton = defineKind({
  kind: 'bigbluebutton',
  title: 'BigBlueButton (web conferencing)',
  notes:
    'BigBlueButton 3.0 supports Ubuntu 22.04 only and is installed with its bbb-install.sh; it terminates TLS ' +
    'itself and needs a public IPv4 for media. It relies on a TURN server (coturn) for clients behind firewalls.',
  notDebian: 'BigBlueButton supports Ubuntu 22.04 only',
  runbook: 'docs/runbooks/bigbluebutton.md',
  size: { cores: 8, memory: 16, disk: 64 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(80),
      reach: 'public',
      ipv4: true,
      purpose: 'HTTP: ACME challenges, redirect to HTTPS',
    },
    {
      proto: 'tcp',
      port: portRange(443),
      reach: 'public',
      ipv4: true,
      purpose: 'BigBlueButton web client and API',
    },
    {
      proto: 'udp',
      port: portRange(16384, 32768),
      reach: 'public',
      ipv4: true,
      purpose: 'BigBlueButton media (WebRTC)',
    },
  ],
  web: {
    port: 443,
    tls: 'self',
    health: { path: '/bigbluebutton/api', expect: 'SUCCESS' },
    websockets: true,
  },
  params: ['domain', 'aliases'],
  backup: { paths: ['/etc/bigbluebutton', '/var/bigbluebutton'] },
  packages: [],
  dependsOn: ['coturn'],
});
