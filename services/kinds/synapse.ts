// Matrix Synapse, the Matrix homeserver: clients and federation both reach it through the proxy on 443.
import { portRange } from '../../inventory/ports.ts';
import { defineKind, type NameContext } from '../types.ts';
import { stringParam } from './_helpers.ts';

/** Synapse's client and federation listeners, behind the proxies. */
export const CLIENT_PORT = 8008;
export const FEDERATION_PORT = 8448;

/** The part after the colon in @user:example.org. */
export function serverName(ctx: Pick<NameContext, 'params' | 'domain'>): string {
  return stringParam(ctx, 'server_name') ?? ctx.domain;
}

export const synapse = defineKind({
  kind: 'synapse',
  title: 'Matrix Synapse (homeserver)',
  notes:
    'Package matrix-synapse-py3 from the upstream repository packages.matrix.org (Debian ships matrix-synapse ' +
    'only in backports). Client API on 8008, federation listener on 8448, both plain HTTP behind the proxy; ' +
    'the _matrix-fed SRV record sends federation to the proxies on 443.',
  size: { cores: 8, memory: 16, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(8008), reach: 'proxy', purpose: 'Matrix client API (behind the proxy)' },
    {
      proto: 'tcp',
      port: portRange(FEDERATION_PORT),
      reach: 'proxy',
      purpose: 'Matrix federation listener (behind the proxy)',
    },
  ],
  web: {
    port: 8008,
    tls: 'proxy',
    defaultName: 'matrix',
    health: { path: '/health', expect: 'OK' },
    // Synapse's own max_upload_size is 50M; sync long-polls for up to 30 s, federation backfill longer.
    maxBodyMiB: 50,
    timeoutSeconds: 600,
  },
  // `server_name`: the part after the colon in @user:example.org (default: the organisation's domain).
  params: ['domain', 'aliases', 'server_name', 'db'],
  dns: (ctx) => {
    const server = serverName(ctx);
    const target = ctx.webNames[0] ?? ctx.fqdn;
    return [{ name: `_matrix-fed._tcp.${server}`, type: 'SRV', value: `10 0 443 ${target}` }];
  },
  backup: {
    paths: ['/etc/matrix-synapse', '/var/lib/matrix-synapse/media'],
    // Synapse refuses a database whose collation is not C (it sorts by byte).
    databases: [{ name: 'synapse', user: 'synapse', collation: 'C' }],
  },
  packages: [],
  upstream: {
    id: 'matrix-org',
    uri: 'https://packages.matrix.org/debian/',
    suite: '{codename}',
    components: ['main'],
    keyUrl: 'https://packages.matrix.org/debian/matrix-org-archive-keyring.gpg',
    keyFormat: 'gpg',
    packages: ['matrix-synapse-py3'],
  },
  setup: (ctx) => ({
    // The package asks for the server name at install time; it cannot be changed later.
    debconf: [
      {
        package: 'matrix-synapse',
        question: 'matrix-synapse/server-name',
        type: 'string',
        value: serverName(ctx),
      },
    ],
  }),
  user: 'matrix-synapse',
  delegations: (ctx) => {
    const target = ctx.webNames[0] ?? ctx.fqdn;
    return [
      {
        // Federation through the SRV record arrives with `Host: <server name>`.
        name: serverName(ctx),
        proxy: [{ path: '/_matrix/', port: FEDERATION_PORT }],
        documents: [
          { path: '/.well-known/matrix/server', json: JSON.stringify({ 'm.server': `${target}:443` }) },
          {
            path: '/.well-known/matrix/client',
            json: JSON.stringify({ 'm.homeserver': { base_url: `https://${target}` } }),
          },
        ],
      },
    ];
  },
  dependsOn: ['postgresql'],
});
