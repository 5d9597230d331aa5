// PeerTube remote runner: takes transcoding jobs from PeerTube; it only connects out.
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const peertubeRunner = defineKind({
  kind: 'peertube-runner',
  title: 'PeerTube remote runner (transcoding)',
  notes: 'The @peertube/peertube-runner package from the npm registry, on Node.js and ffmpeg from Debian.',
  size: { cores: 8, memory: 8, disk: 200 },
  ports: [],
  params: [],
  checks: () => [local('runner process', 'check_procs', '-a', 'peertube-runner', '-c', '1:')],
  backup: { paths: ['/var/lib/prunner/.config/peertube-runner-nodejs'] },
  packages: ['nodejs', 'npm', 'ffmpeg'],
  dependsOn: ['peertube'],
});
