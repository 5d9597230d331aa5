// A stand-alone Jitsi videobridge: more media capacity for the Jitsi Meet signalling nodes of its site.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';
import { jitsiRepo } from './_jitsi.ts';

export const jitsiVideobridge = defineKind({
  kind: 'jitsi-videobridge',
  title: 'Jitsi videobridge (media relay for Jitsi Meet)',
  notes: 'Package jitsi-videobridge2 from download.jitsi.org; it registers with the Meet nodes over XMPP.',
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    { proto: 'udp', port: portRange(10000), reach: 'public', ipv4: true, purpose: 'Jitsi videobridge media' },
    {
      proto: 'tcp',
      port: portRange(9090),
      reach: { kinds: ['jitsi-meet'] },
      purpose: 'Colibri WebSockets, relayed by Meet',
    },
  ],
  params: [],
  checks: () => [
    local('videobridge health', 'check_http', '-H', '127.0.0.1', '-p', '8080', '-u', '/about/health'),
  ],
  backup: { paths: ['/etc/jitsi'] },
  packages: [],
  upstream: jitsiRepo(['jitsi-videobridge2']),
  dependsOn: ['jitsi-meet'],
});
