// Nextcloud: files, calendars and contacts, with documents edited in Collabora Online.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const nextcloud = defineKind({
  kind: 'nextcloud',
  title: 'Nextcloud (files, calendar, contacts)',
  notes:
    'Not in Debian: the upstream tarball pinned in releases.yaml, in /opt/nextcloud/<version>, served by nginx and ' +
    'PHP-FPM from Debian; configuration in /etc/nextcloud, store apps in /var/lib/nextcloud/apps, data in ' +
    '/srv/nextcloud; Redis for caching and locking; documents open in Collabora (baseline/nextcloud.ts).',
  size: { cores: 8, memory: 16, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(80),
      reach: 'proxy',
      purpose: 'Nextcloud (nginx + PHP-FPM, behind the proxy)',
    },
  ],
  web: {
    port: 80,
    tls: 'proxy',
    defaultName: 'cloud',
    health: { path: '/status.php', expect: '"installed":true' },
    // Nextcloud chunks big uploads, but the desktop client and WebDAV send up to its 10 GiB default.
    maxBodyMiB: 10240,
    timeoutSeconds: 3600,
  },
  params: ['domain', 'aliases', 'db'],
  backup: {
    paths: ['/etc/nextcloud', '/var/lib/nextcloud', '/srv/nextcloud'],
    databases: [{ name: 'nextcloud', user: 'nextcloud' }],
  },
  packages: [
    'nginx',
    'php-fpm',
    'php-pgsql',
    'php-gd',
    'php-curl',
    'php-mbstring',
    'php-intl',
    'php-gmp',
    'php-bcmath',
    'php-xml',
    'php-zip',
    'php-imagick',
    'php-apcu',
    'php-redis',
    'redis-server',
  ],
  user: 'www-data',
  // Served by PHP-FPM, not a daemon of its own: baseline/nextcloud.ts installs it (no unit of releaseParts).
  release: { user: 'www-data', dataDir: '/srv/nextcloud', program: 'occ', args: [] },
  dependsOn: ['postgresql', 'collabora'],
});
