// Collabora Online (CODE): the office suite Nextcloud opens documents in, over WOPI.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const collabora = defineKind({
  kind: 'collabora',
  title: 'Collabora Online Development Edition (coolwsd)',
  notes: "Not in Debian: packages coolwsd and code-brand from Collabora's repository; TLS ends at the proxy.",
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(9980),
      reach: 'proxy',
      purpose: 'coolwsd (WOPI and WebSockets, behind the proxy)',
    },
  ],
  web: {
    port: 9980,
    tls: 'proxy',
    defaultName: 'office',
    health: { path: '/hosting/discovery', expect: 'wopi-discovery' },
    websockets: true,
    // Documents go up whole; an editing session is one WebSocket held for hours.
    maxBodyMiB: 100,
    timeoutSeconds: 36000,
  },
  params: ['domain', 'aliases'],
  backup: { paths: ['/etc/coolwsd'] },
  packages: [],
  upstream: {
    id: 'collaboraonline',
    uri: 'https://www.collaboraoffice.com/repos/CollaboraOnline/CODE-debian12',
    suite: './',
    components: [],
    keyUrl: 'https://collaboraoffice.com/downloads/gpg/collaboraonline-release-keyring.gpg',
    keyFormat: 'gpg',
    packages: ['coolwsd', 'code-brand'],
  },
  // coolwsd.xml (plain HTTP behind the proxies, the WOPI allow-list) is written whole by baseline/collabora.ts.
  dependsOn: [],
});
