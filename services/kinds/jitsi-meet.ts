// Jitsi Meet: signalling (Prosody, Jicofo), the web app and a local videobridge; more bridges can join.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';
import { jitsiRepo } from './_jitsi.ts';

export const jitsiMeet = defineKind({
  kind: 'jitsi-meet',
  title: 'Jitsi Meet (video conferencing)',
  notes:
    'Package jitsi-meet from the upstream repository download.jitsi.org (web, Jicofo, videobridge; Prosody from ' +
    "Debian). Its own nginx terminates TLS with a Let's Encrypt certificate; media needs a public IPv4.",
  size: { cores: 4, memory: 8, disk: 32 },
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
      purpose: 'Jitsi Meet web app and signalling',
    },
    { proto: 'udp', port: portRange(10000), reach: 'public', ipv4: true, purpose: 'Jitsi videobridge media' },
    {
      proto: 'tcp',
      port: portRange(5222),
      reach: { kinds: ['jitsi-videobridge'] },
      purpose: 'XMPP for remote videobridges',
    },
  ],
  web: { port: 443, tls: 'self', health: { path: '/' }, websockets: true },
  params: ['domain', 'aliases'],
  checks: () => [
    local('jicofo health', 'check_http', '-H', '127.0.0.1', '-p', '8888', '-u', '/about/health'),
    local('videobridge health', 'check_http', '-H', '127.0.0.1', '-p', '8080', '-u', '/about/health'),
  ],
  backup: { paths: ['/etc/jitsi', '/etc/prosody'] },
  packages: ['nginx', 'prosody', 'certbot'],
  upstream: jitsiRepo(['jitsi-meet']),
  setup: (ctx) => ({
    // The packages ask for the public name and the certificate at install time.
    debconf: [
      {
        package: 'jitsi-videobridge2',
        question: 'jitsi-videobridge/jvb-hostname',
        type: 'string',
        value: ctx.webNames[0] ?? ctx.fqdn,
      },
      {
        // Let's Encrypt needs the name in DNS first: a maintainer runs install-letsencrypt-cert.sh after boot.
        package: 'jitsi-meet-web-config',
        question: 'jitsi-meet/cert-choice',
        type: 'select',
        value: 'Generate a new self-signed certificate',
      },
    ],
  }),
  dependsOn: [],
});
