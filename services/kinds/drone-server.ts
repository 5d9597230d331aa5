// Drone CI server: builds for Gitea repositories, and the pipeline that applies this repository after merge.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const droneServer = defineKind({
  kind: 'drone-server',
  title: 'Drone CI server',
  notes:
    'Not in Debian: the drone/drone container image (open-source build), pinned by digest in releases.yaml ' +
    '(containers:), run by Podman from Debian under systemd on the host network, port 8080 of the VM.',
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(8080),
      reach: 'proxy',
      purpose: 'Drone web UI, API and runner RPC (behind the proxy)',
    },
  ],
  web: { port: 8080, tls: 'proxy', defaultName: 'ci', health: { path: '/healthz' } },
  params: ['domain', 'aliases', 'db'],
  backup: { paths: ['/etc/drone', '/var/lib/drone'], databases: [{ name: 'drone', user: 'drone' }] },
  packages: ['podman'],
  container: { volumes: [{ host: '/var/lib/drone', container: '/data' }], configDir: '/etc/drone' },
  dependsOn: ['postgresql', 'gitea'],
  containers: true,
});
