// PeerTube: video hosting and live streaming, federated over ActivityPub.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const peertube = defineKind({
  kind: 'peertube',
  title: 'PeerTube (video platform)',
  notes:
    'Not in Debian: the upstream release pinned in releases.yaml, in /opt/peertube/<version> on Node.js from Debian, ' +
    'with ffmpeg and Redis; configuration in /etc/peertube, videos in /var/lib/peertube/storage ' +
    '(baseline/peertube.ts); transcoding is offloaded to peertube-runner VMs.',
  size: { cores: 8, memory: 16, disk: 32 },
  ports: [{ proto: 'tcp', port: portRange(9000), reach: 'proxy', purpose: 'PeerTube (behind the proxy)' }],
  web: {
    port: 9000,
    tls: 'proxy',
    defaultName: 'video',
    health: { path: '/api/v1/config', expect: 'instance' },
    websockets: true,
    // Video uploads: PeerTube's own nginx sample allows 12G and long transfers.
    maxBodyMiB: 12288,
    timeoutSeconds: 3600,
  },
  params: ['domain', 'aliases', 'db'],
  backup: {
    paths: ['/etc/peertube', '/var/lib/peertube/storage'],
    databases: [{ name: 'peertube_prod', user: 'peertube', extensions: ['pg_trgm', 'unaccent'] }],
  },
  packages: ['nodejs', 'ffmpeg', 'redis-server', 'postgresql-client', 'unzip'],
  dependsOn: ['postgresql'],
});
