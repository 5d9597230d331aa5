// MoinMoin, the wiki: file-based storage, no database.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const moinmoin = defineKind({
  kind: 'moinmoin',
  title: 'MoinMoin wiki',
  notes:
    'MoinMoin 1.9 (Python 2) left Debian with bullseye: the moin 2 wheel pinned in releases.yaml, in a virtualenv ' +
    'per version under /opt/moinmoin, served by gunicorn from Debian on port 8080; the wiki in /srv/moin ' +
    '(baseline/moinmoin.ts).',
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(8080), reach: 'proxy', purpose: 'MoinMoin (gunicorn, behind the proxy)' },
  ],
  web: { port: 8080, tls: 'proxy', defaultName: 'wiki', health: { path: '/' } },
  params: ['domain', 'aliases'],
  backup: { paths: ['/etc/moin', '/srv/moin'] },
  packages: ['python3-venv', 'gunicorn'],
  dependsOn: [],
});
