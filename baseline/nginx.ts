// nginx on the reverse proxies: one virtual host per web name of the site and per name delegated to them,
// TLS (baseline/certificates.ts), HSTS, each application's upload limit and timeouts from the catalog.
//
// Rendered only by the playbook: a virtual host needs a certificate file before nginx starts, and the
// proxy's first boot comes before any certificate exists.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { PROXY_KIND } from '../services/catalog.ts';
import { proxiesFor, type ServiceInstance, type ServiceModel, vmAddresses } from '../services/instances.ts';
import {
  generated,
  type OnceCommand,
  type Part,
  sh,
  shellWord,
  type VmDirectory,
  type VmFile,
} from './parts.ts';

/** nginx reads certificates from here: a stand-in at first, then certbot's (copied by its deploy hook). */
export const NGINX_CERTS = '/etc/nginx/certs';

/** A path of a virtual host that goes to other backends than the host's own (federation on a server name). */
export interface Route {
  /** Path prefix, e.g. `/_matrix/`. */
  readonly path: string;
  readonly backends: readonly string[];
}

export interface VirtualHost {
  /** The web name, e.g. git.example.org. */
  readonly name: string;
  /** Which instances serve it, e.g. `gitea on gitea`, or are delegated to from it. */
  readonly for: readonly string[];
  /** `[2001:db8::5]:3000` or `127.0.0.1:3000`, one per instance; none for a name only delegated from. */
  readonly backends: readonly string[];
  /** The health path of its own application; none for a name only delegated from. */
  readonly health?: string;
  readonly websockets: boolean;
  /** The largest of its instances' upload limits. @default nginx's 1 MiB */
  readonly maxBodyMiB?: number;
  /** The longest of its instances' answer timeouts. @default nginx's 60 s */
  readonly timeoutSeconds?: number;
  readonly routes: readonly Route[];
  /** Fixed JSON answers (`.well-known` delegation documents). */
  readonly documents: readonly { readonly path: string; readonly json: string }[];
}

type HostBuilder = {
  -readonly [K in keyof VirtualHost]: VirtualHost[K] extends readonly (infer T)[] ? T[] : VirtualHost[K];
};

function backendAddress(services: ServiceModel, proxy: Vm, backend: Vm, port: number): string {
  if (backend.name === proxy.name) return `127.0.0.1:${port}`;
  const a = vmAddresses(services, backend);
  const v6 = a.ipv6[0];
  return v6 ? `[${v6}]:${port}` : `${a.ipv4[0] ?? '127.0.0.1'}:${port}`;
}

function larger(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** Adds what one instance brings to the hosts of the names it serves or is delegated from. */
function addInstance(
  hosts: Map<string, HostBuilder>,
  services: ServiceModel,
  proxy: Vm,
  i: ServiceInstance,
): void {
  const web = i.def.web!;
  const host = (name: string): HostBuilder => {
    const h = hosts.get(name) ?? {
      name,
      for: [],
      backends: [],
      websockets: false,
      routes: [],
      documents: [],
    };
    if (!h.for.includes(i.label)) h.for.push(i.label);
    h.maxBodyMiB = larger(h.maxBodyMiB, web.maxBodyMiB);
    h.timeoutSeconds = larger(h.timeoutSeconds, web.timeoutSeconds);
    hosts.set(name, h);
    return h;
  };
  for (const name of i.ctx.webNames) {
    const h = host(name);
    h.health ??= web.health.path;
    const backend = backendAddress(services, proxy, i.vm, web.port);
    if (!h.backends.includes(backend)) h.backends.push(backend);
    h.websockets ||= web.websockets === true;
  }
  for (const delegation of i.def.delegations?.(i.ctx) ?? []) {
    const h = host(delegation.name);
    for (const { path, port } of delegation.proxy) {
      const backend = backendAddress(services, proxy, i.vm, port);
      const route = h.routes.find((r) => r.path === path);
      if (!route) h.routes.push({ path, backends: [backend] });
      else if (!route.backends.includes(backend)) (route.backends as string[]).push(backend);
    }
    for (const doc of delegation.documents)
      if (!h.documents.some((d) => d.path === doc.path)) h.documents.push(doc);
  }
}

/**
 * The names a proxy VM serves, sorted by name: the web names of the site's proxied instances (one name
 * served by several instances balances over them) and the names delegated to them (Matrix server names).
 */
export function virtualHosts(model: Model, proxy: Vm): VirtualHost[] {
  const { services } = model;
  const hosts = new Map<string, HostBuilder>();
  // Only instances of the proxy's own site can have it among their proxies (proxiesFor).
  const site = services.siteOf.get(proxy.name);
  for (const instance of site === undefined ? [] : (services.inSite.get(site) ?? [])) {
    if (instance.def.web?.tls !== 'proxy') continue;
    if (!proxiesFor(services, instance).some((p) => p.name === proxy.name)) continue;
    addInstance(hosts, services, proxy, instance);
  }
  return [...hosts.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function upstreamName(name: string, path = ''): string {
  return `backend_${`${name}${path}`.replaceAll(/[^a-z0-9]/g, '_')}`;
}

/** An nginx string in single quotes (the JSON of a document holds double quotes). */
function nginxString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

const HSTS = '        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;';

function proxiedTo(upstream: string, websockets: boolean): string[] {
  return [
    `        proxy_pass http://${upstream};`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto https;',
    ...(websockets
      ? [
          '        proxy_http_version 1.1;',
          '        proxy_set_header Upgrade $http_upgrade;',
          '        proxy_set_header Connection $connection_upgrade;',
        ]
      : []),
  ];
}

/** The locations of the HTTPS server: health, delegation documents and routes, then everything else. */
function httpsLocations(host: VirtualHost): string[] {
  const own = host.backends.length > 0 ? proxiedTo(upstreamName(host.name), host.websockets) : [];
  const lines: string[] = [];
  if (host.health !== undefined && own.length > 0) {
    lines.push(
      '    # The monitoring asks this path; its requests stay out of the access log.',
      `    location = ${host.health} {`,
      '        access_log off;',
      ...own,
      '    }',
    );
  }
  for (const doc of host.documents) {
    lines.push(
      `    location = ${doc.path} {`,
      '        default_type application/json;',
      // add_header in a location replaces the server's: HSTS is repeated.
      HSTS,
      '        add_header Access-Control-Allow-Origin "*" always;',
      `        return 200 ${nginxString(doc.json)};`,
      '    }',
    );
  }
  for (const route of host.routes) {
    lines.push(
      `    location ${route.path} {`,
      ...proxiedTo(upstreamName(host.name, route.path), false),
      '    }',
    );
  }
  lines.push('    location / {', ...(own.length > 0 ? own : ['        return 404;']), '    }');
  return lines;
}

function upstreamBlocks(host: VirtualHost): string[] {
  const block = (name: string, backends: readonly string[]): string[] => [
    `upstream ${name} {`,
    ...backends.map((b) => `    server ${b};`),
    '}',
    '',
  ];
  return [
    ...(host.backends.length > 0 ? block(upstreamName(host.name), host.backends) : []),
    ...host.routes.flatMap((r) => block(upstreamName(host.name, r.path), r.backends)),
  ];
}

export function vhostConf(host: VirtualHost): string {
  const lines = [
    `# ${host.name}: ${host.for.join(', ')}`,
    ...upstreamBlocks(host),
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
    HSTS.slice(4),
    ...(host.maxBodyMiB === undefined ? [] : [`    client_max_body_size ${host.maxBodyMiB}m;`]),
    ...(host.timeoutSeconds === undefined
      ? []
      : [
          `    proxy_read_timeout ${host.timeoutSeconds}s;`,
          `    proxy_send_timeout ${host.timeoutSeconds}s;`,
        ]),
    ...httpsLocations(host),
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

/** A first page, so the health check passes until maintainers (or the website's pipeline) publish the real one. */
const PLACEHOLDER = '<!doctype html><title>Nothing published yet</title><p>Nothing published yet.</p>';

/**
 * nginx on a VM whose kind serves static files behind the proxies (a status page, a static website): one server per
 * instance for its web names, on its web port, from its root; undefined for any other VM.
 */
export function staticSitesPart(vm: Vm, instances: readonly ServiceInstance[]): Part | undefined {
  const sites = instances.filter(
    (i) => i.vm.name === vm.name && i.def.web?.root && i.def.web.tls === 'proxy',
  );
  if (sites.length === 0) return undefined;
  const files: VmFile[] = sites.map((i) => {
    const web = i.def.web!;
    const lines = [
      `# ${i.label}: ${i.ctx.webNames.join(', ')}, behind the proxies`,
      'server {',
      `    listen ${web.port};`,
      `    listen [::]:${web.port};`,
      `    server_name ${i.ctx.webNames.join(' ')};`,
      `    root ${web.root!};`,
      '    index index.html;',
      '}',
      '',
    ];
    return {
      path: `/etc/nginx/conf.d/static-${i.kind}.conf`,
      content: generated('#', lines.join('\n')),
      defer: true,
      reload: 'reload nginx' as const,
    };
  });
  const roots = [...new Set(sites.map((i) => i.def.web!.root!))];
  const once: OnceCommand[] = roots.map((root) => ({
    name: `Put a first page in ${root}`,
    argv: sh(`printf '%s\\n' ${shellWord(PLACEHOLDER)} > ${shellWord(`${root}/index.html`)}`),
    creates: `${root}/index.html`,
  }));
  return {
    name: `static sites: ${sites.map((i) => i.label).join(', ')}`,
    packages: ['nginx'],
    files,
    directories: roots.map((path) => ({ path, mode: '0755' })),
    once,
    services: ['nginx'],
    runcmd: [
      ...roots.map((root) => ['install', '-d', '-m', '0755', root]),
      ...once.map((o) => [...o.argv]),
      ['systemctl', 'reload-or-restart', 'nginx'],
    ],
  };
}
