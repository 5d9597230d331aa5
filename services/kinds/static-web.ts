// A static website served by nginx behind the proxies.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const staticWeb = defineKind({
  kind: 'static-web',
  title: 'Static website (nginx)',
  notes: 'Debian package nginx serving /var/www/site, where the website pipeline deploys the site.',
  size: { cores: 2, memory: 2, disk: 16 },
  ports: [
    { proto: 'tcp', port: portRange(80), reach: 'proxy', purpose: 'static website (behind the proxy)' },
  ],
  web: { port: 80, tls: 'proxy', defaultName: 'www', health: { path: '/' }, root: '/var/www/site' },
  params: ['domain', 'aliases'],
  backup: { paths: ['/var/www'] },
  packages: ['nginx'],
  dependsOn: [],
});
