// Etherpad: collaborative text editing in the browser.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const etherpad = defineKind({
  kind: 'etherpad',
  title: 'Etherpad (collaborative editor)',
  notes: 'Not in Debian: an upstream release in /opt/etherpad on Node.js from Debian, listening on 9001.',
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
  backup: { paths: ['/opt/etherpad/settings.json'], databases: [{ name: 'etherpad', user: 'etherpad' }] },
  packages: ['nodejs', 'npm'],
  dependsOn: ['postgresql'],
});
