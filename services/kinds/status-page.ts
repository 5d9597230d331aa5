// The public status page: static HTML that says what works, kept away from the sites it reports on.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const statusPage = defineKind({
  kind: 'status-page',
  title: 'Status page (static, nginx)',
  notes: 'Debian package nginx serving /var/www/status, updated by maintainers during incidents.',
  size: { cores: 1, memory: 1, disk: 16 },
  ports: [{ proto: 'tcp', port: portRange(80), reach: 'proxy', purpose: 'status page (behind the proxy)' }],
  web: { port: 80, tls: 'proxy', defaultName: 'status', health: { path: '/' }, root: '/var/www/status' },
  params: ['domain', 'aliases'],
  backup: { paths: ['/var/www/status'] },
  packages: ['nginx'],
  dependsOn: [],
});
