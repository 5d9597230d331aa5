// nginx on the reverse proxies: one virtual host per web name of the site, TLS (baseline/certificates.ts), HSTS.
//
// Rendered only by the playbook: a virtual host needs a certificate file before nginx starts, and the
// proxy's first boot comes before any certificate exists.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { PROXY_KIND } from '../services/catalog.ts';
import { proxiesFor, type ServiceModel, vmAddresses } from '../services/instances.ts';
import { generated, type OnceCommand, type Part, type VmDirectory, type VmFile } from './parts.ts';

/** nginx reads certificates from here: a stand-in at first, then certbot's (copied by its deploy hook). */
export const NGINX_CERTS = '/etc/nginx/certs';

export interface VirtualHost {
  /** The web name, e.g. git.example.org. */
  readonly name: string;
  /** Which instances serve it, e.g. `gitea on gitea`. */
  readonly for: readonly string[];
  /** `[2001:db8::5]:3000` or `127.0.0.1:3000`, one per instance. */
  readonly backends: readonly string[];
  readonly health: string;
  readonly websockets: boolean;
}

function backendAddress(services: ServiceModel, proxy: Vm, backend: Vm, port: number): string {
  if (backend.name === proxy.name) return `127.0.0.1:${port}`;
  const a = vmAddresses(services, backend);
  const v6 = a.ipv6[0];
  return v6 ? `[${v6}]:${port}` : `${a.ipv4[0] ?? '127.0.0.1'}:${port}`;
}

/** The web names a proxy VM serves, sorted by name; one name served by several instances balances over them. */
export function virtualHosts(model: Model, proxy: Vm): VirtualHost[] {
  const { services } = model;
  const byName = new Map<
    string,
    { for: string[]; backends: string[]; health: string; websockets: boolean }
  >();
  for (const instance of services.instances) {
    const web = instance.def.web;
    if (!web || web.tls !== 'proxy') continue;
    if (!proxiesFor(services, instance).some((p) => p.name === proxy.name)) continue;
    for (const name of instance.ctx.webNames) {
      const host = byName.get(name) ?? {
        for: [],
        backends: [],
        health: web.health.path,
        websockets: false,
      };
      host.for.push(instance.label);
      const backend = backendAddress(services, proxy, instance.vm, web.port);
      if (!host.backends.includes(backend)) host.backends.push(backend);
      host.websockets ||= web.websockets === true;
      byName.set(name, host);
    }
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, h]) => ({ name, ...h }));
}

function upstreamName(name: string): string {
  return `backend_${name.replaceAll(/[^a-z0-9]/g, '_')}`;
}

export function vhostConf(host: VirtualHost): string {
  const upstream = upstreamName(host.name);
  const proxied = [
    `        proxy_pass http://${upstream};`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto https;',
    ...(host.websockets
      ? [
          '        proxy_http_version 1.1;',
          '        proxy_set_header Upgrade $http_upgrade;',
          '        proxy_set_header Connection $connection_upgrade;',
        ]
      : []),
  ];
  const lines = [
    `# ${host.name}: ${host.for.join(', ')}`,
    `upstream ${upstream} {`,
    ...host.backends.map((b) => `    server ${b};`),
    '}',
    '',
    'server {',
    '    listen 80;',
    '    listen [::]:80;',
    `    server_name ${host.name};`,
    '    return 301 https://$host$request_uri;',
    '}',
    '',
    'server {',
    '    listen 443 ssl http2;',
    '    listen [::]:443 ssl http2;',
    `    server_name ${host.name};`,
    `    ssl_certificate ${NGINX_CERTS}/${host.name}/fullchain.pem;`,
    `    ssl_certificate_key ${NGINX_CERTS}/${host.name}/privkey.pem;`,
    '    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;',
    '    # The monitoring asks this path; its requests stay out of the access log.',
    `    location = ${host.health} {`,
    '        access_log off;',
    ...proxied,
    '    }',
    '    location / {',
    ...proxied,
    '    }',
    '}',
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** http-level settings every virtual host relies on. */
const COMMON = generated(
  '#',
  [
    // Debian's nginx.conf sets ssl_protocols and ssl_prefer_server_ciphers already; nginx refuses them twice.
    'ssl_session_timeout 1d;',
    'ssl_session_cache shared:TLS:10m;',
    'server_tokens off;',
    '# WebSocket upgrades for the hosts that pass them.',
    'map $http_upgrade $connection_upgrade {',
    '    default upgrade;',
    "    '' close;",
    '}',
    '',
  ].join('\n'),
);

/** The proxy part of a VM that runs nginx-proxy, or undefined. */
export function proxyPart(model: Model, vm: Vm): Part | undefined {
  if (!vm.services.some((s) => s.kind === PROXY_KIND)) return undefined;
  const hosts = virtualHosts(model, vm);
  const files: VmFile[] = [
    { path: '/etc/nginx/conf.d/00-baseline.conf', content: COMMON, reload: 'reload nginx' },
    ...hosts.map((h) => ({
      path: `/etc/nginx/conf.d/site-${h.name}.conf`,
      content: vhostConf(h),
      reload: 'reload nginx' as const,
    })),
  ];
  const directories: VmDirectory[] = [
    { path: NGINX_CERTS, mode: '0755' },
    ...hosts.map((h) => ({ path: `${NGINX_CERTS}/${h.name}`, mode: '0700' })),
  ];
  // A stand-in lets nginx start before certbot has a certificate (or when it cannot get one); the deploy hook replaces it.
  const once: OnceCommand[] = hosts.map((h) => ({
    name: `Make a stand-in certificate for ${h.name} until certbot has one`,
    argv: [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      `/CN=${h.name}`,
      '-keyout',
      `${NGINX_CERTS}/${h.name}/privkey.pem`,
      '-out',
      `${NGINX_CERTS}/${h.name}/fullchain.pem`,
    ],
    creates: `${NGINX_CERTS}/${h.name}/fullchain.pem`,
  }));
  return {
    name: `nginx: ${hosts.length} virtual hosts`,
    packages: ['nginx', 'openssl'],
    files,
    directories,
    once,
    services: ['nginx'],
    convergeOnly: true,
  };
}
