// nginx as the TLS-terminating reverse proxy of a site: the only public HTTP(S) entry for the services behind it.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const nginxProxy = defineKind({
  kind: 'nginx-proxy',
  title: 'nginx reverse proxy (TLS termination for the HTTP services of its site)',
  notes:
    'Every proxied name resolves to the proxies; each proxy of a site gets a certificate for each name by ' +
    'ACME DNS-01 (docs/certificates.md).',
  size: { cores: 2, memory: 4, disk: 16 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(80),
      reach: 'public',
      ipv4: true,
      purpose: 'HTTP: redirect to HTTPS',
    },
    {
      proto: 'tcp',
      port: portRange(443),
      reach: 'public',
      ipv4: true,
      purpose: 'HTTPS for the services behind the proxy',
    },
  ],
  params: [],
  certificate: { consumers: ['nginx'] },
  checks: () => [local('nginx running', 'check_procs', '-C', 'nginx', '-c', '1:')],
  backup: { paths: ['/etc/nginx', '/etc/letsencrypt'] },
  packages: ['nginx'],
  units: ['nginx'],
  dependsOn: [],
});
