// Etherpad: collaborative text editing in the browser.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const etherpad = defineKind({
  kind: 'etherpad',
  title: 'Etherpad (collaborative editor)',
  notes:
    'Not in Debian: the upstream release pinned in releases.yaml, in /opt/etherpad/<version> on Node.js from Debian, ' +
    'listening on 9001; settings in /etc/etherpad (baseline/etherpad.ts).',
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [{ proto: 'tcp', port: portRange(9001), reach: 'proxy', purpose: 'Etherpad (behind the proxy)' }],
  web: {
    port: 9001,
    tls: 'proxy',
    defaultName: 'pad',
    health: { path: '/api', expect: 'currentVersion' },
    websockets: true,
  },
  params: ['domain', 'aliases', 'db'],
  backup: {
    paths: ['/etc/etherpad', '/var/lib/etherpad'],
    databases: [{ name: 'etherpad', user: 'etherpad' }],
  },
  packages: ['nodejs', 'npm'],
  dependsOn: ['postgresql'],
});
