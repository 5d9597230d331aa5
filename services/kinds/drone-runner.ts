// Drone docker runner: executes pipelines in throw-away containers; it only connects out to the server.
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const droneRunner = defineKind({
  kind: 'drone-runner',
  title: 'Drone CI docker runner',
  notes:
    'The drone/drone-runner-docker container image, pinned by digest in releases.yaml (containers:), run by ' +
    "Podman from Debian under systemd; it starts the pipelines' containers through Podman's Docker-compatible " +
    'socket. No inbound port.',
  size: { cores: 8, memory: 16, disk: 200 },
  ports: [],
  params: [],
  checks: () => [local('drone runner container', 'check_procs', '-C', 'conmon', '-c', '1:')],
  backup: { paths: ['/etc/drone-runner'] },
  packages: ['podman'],
  container: { volumes: [], configDir: '/etc/drone-runner', engineSocket: true },
  dependsOn: ['drone-server'],
  containers: true,
});
