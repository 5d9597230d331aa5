// The Jitsi package repository, shared by Jitsi Meet and the stand-alone videobridge.
import type { UpstreamRepo } from '../types.ts';

export function jitsiRepo(packages: readonly string[]): UpstreamRepo {
  return {
    id: 'jitsi',
    uri: 'https://download.jitsi.org',
    suite: 'stable/',
    components: [],
    keyUrl: 'https://download.jitsi.org/jitsi-key.gpg.key',
    keyFormat: 'asc',
    packages,
  };
}
