// Drone docker runner: executes pipelines in throw-away containers; it only connects out to the server.
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const droneRunner = defineKind({
  kind: 'drone-runner',
  title: 'Drone CI docker runner',
  notes:
    'The drone/drone-runner-docker container image under Docker from Debian (docker.io); no inbound port.',
  size: { cores: 8, memory: 16, disk: 200 },
  ports: [],
  params: [],
  checks: () => [local('docker running', 'check_procs', '-C', 'dockerd', '-c', '1:')],
  backup: { paths: ['/etc/drone-runner'] },
  packages: ['docker.io'],
  dependsOn: ['drone-server'],
  containers: true,
});
