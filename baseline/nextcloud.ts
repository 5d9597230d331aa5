// Nextcloud from its pinned release tarball: config from the model and the store, PHP-FPM and nginx on the VM,
// the one-time install, Collabora for documents, and background jobs by a systemd timer.
//
// Nextcloud writes its own config.php (installed, version, instanceid) and merges every `*.config.php` of its
// config directory over it, later files winning. So the model's settings go into infra.config.php, written whole
// on every converge, and Nextcloud's own file stays Nextcloud's: neither overwrites the other.
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { checksumOf } from '../inventory/releases.schema.ts';
import { dependencyTargets } from '../services/instances.ts';
import { type AppFacts, appSecretKey, SMTP_PORT } from './app-facts.ts';
import { phpValue, type PhpValue, StoreValue } from './app-text.ts';
import {
  type ConvergeCommand,
  GENERATED_NOTE,
  generated,
  type Part,
  secretRef,
  sh,
  shellWord,
  type VmFile,
} from './parts.ts';
import { hardening, releaseRoot } from './releases.ts';

export const NEXTCLOUD = 'nextcloud';
/** NEXTCLOUD_CONFIG_DIR: Nextcloud's own config.php and ours, outside the read-only release. */
export const NEXTCLOUD_CONFIG_DIR = '/etc/nextcloud';
export const NEXTCLOUD_CONFIG = `${NEXTCLOUD_CONFIG_DIR}/infra.config.php`;
/** Apps installed from the app store (richdocuments): writable, kept across releases. */
export const NEXTCLOUD_APPS = '/var/lib/nextcloud/apps';
export const NEXTCLOUD_DATA = '/srv/nextcloud/data';
/** occ as www-data with the config directory set; what the playbook and the administrators run. */
export const OCC = '/usr/local/bin/nextcloud-occ';
const CODE = `${releaseRoot(NEXTCLOUD)}/current`;
const COLLABORA_KIND = 'collabora';
const USER = 'www-data';
/** The administrator occ maintenance:install creates; its password is in the store. */
export const NEXTCLOUD_ADMIN = 'admin';

/** Debian's PHP: 8.2 in bookworm, 8.4 in trixie; its FPM unit and pool directory follow the version. */
export function phpVersion(vm: Vm): string {
  return vm.os === 'debian-13' ? '8.4' : '8.2';
}

/** The Collabora instance Nextcloud opens documents in (its `https://` URL), if one is reachable. */
export function collaboraUrl(model: Model, facts: AppFacts): string | undefined {
  const vm = dependencyTargets(model.services, facts.instance, COLLABORA_KIND)[0];
  const office = model.services.instances.find((i) => i.kind === COLLABORA_KIND && i.vm.name === vm?.name);
  const name = office?.ctx.webNames[0];
  return name === undefined ? undefined : `https://${name}`;
}

/** The settings of infra.config.php, as Nextcloud's config.sample.php names them. */
export function nextcloudSettings(facts: AppFacts): Record<string, PhpValue> {
  const secret = (key: string): StoreValue => new StoreValue(key);
  const db = facts.database;
  return {
    trusted_domains: [...facts.webNames],
    trusted_proxies: [...facts.proxies],
    'overwrite.cli.url': facts.url,
    overwriteprotocol: 'https',
    datadirectory: NEXTCLOUD_DATA,
    apps_paths: [
      { path: `${CODE}/apps`, url: '/apps', writable: false },
      { path: NEXTCLOUD_APPS, url: '/custom_apps', writable: true },
    ],
    ...(db
      ? {
          dbtype: 'pgsql',
          dbhost: `${db.host}:${db.port}`,
          dbname: db.name,
          dbuser: db.user,
          dbpassword: secret(db.passwordKey),
        }
      : {}),
    'memcache.local': '\\OC\\Memcache\\APCu',
    'memcache.distributed': '\\OC\\Memcache\\Redis',
    'memcache.locking': '\\OC\\Memcache\\Redis',
    redis: { host: '127.0.0.1', port: 6379 },
    ...(facts.mailHost
      ? {
          mail_smtpmode: 'smtp',
          mail_smtphost: facts.mailHost,
          mail_smtpport: SMTP_PORT,
          mail_from_address: 'nextcloud',
          mail_domain: facts.domain,
        }
      : {}),
    secret: secret(appSecretKey(facts, 'instance-secret')),
    passwordsalt: secret(appSecretKey(facts, 'password-salt')),
    maintenance_window_start: 1,
    'htaccess.RewriteBase': '/',
  };
}

/** infra.config.php: `$CONFIG` as PHP source, every string quoted by phpString; `ref` places store values. */
export function nextcloudConfig(facts: AppFacts, ref: (key: string) => string = secretRef): string {
  return `<?php\n// ${GENERATED_NOTE}\n$CONFIG = ${phpValue(nextcloudSettings(facts), ref)};\n`;
}

/** occ as www-data, with APCu in the CLI (memcache.local) and the config directory set. */
function occWrapper(php: string): string {
  return [
    '#!/bin/sh',
    `# ${GENERATED_NOTE}`,
    '# occ as the web server user, with the configuration directory of this VM.',
    `exec runuser -u ${USER} -- env NEXTCLOUD_CONFIG_DIR=${NEXTCLOUD_CONFIG_DIR} /usr/bin/php${php} -d apc.enable_cli=1 -d memory_limit=512M ${CODE}/occ "$@"`,
    '',
  ].join('\n');
}

/** The FPM pool Nextcloud runs in, with its config directory in the environment. */
function fpmPool(maxBodyMiB: number): string {
  const lines = [
    '[nextcloud]',
    `user = ${USER}`,
    `group = ${USER}`,
    'listen = /run/php/nextcloud.sock',
    `listen.owner = ${USER}`,
    `listen.group = ${USER}`,
    'pm = dynamic',
    'pm.max_children = 32',
    'pm.start_servers = 4',
    'pm.min_spare_servers = 2',
    'pm.max_spare_servers = 8',
    `env[NEXTCLOUD_CONFIG_DIR] = ${NEXTCLOUD_CONFIG_DIR}`,
    'env[PATH] = /usr/local/bin:/usr/bin:/bin',
    'php_admin_value[memory_limit] = 512M',
    `php_admin_value[upload_max_filesize] = ${maxBodyMiB}M`,
    `php_admin_value[post_max_size] = ${maxBodyMiB}M`,
    'php_admin_value[output_buffering] = 0',
    'php_admin_value[opcache.interned_strings_buffer] = 16',
    '',
  ];
  // PHP's ini syntax comments with `;` only.
  return `; ${GENERATED_NOTE}\n${lines.join('\n')}`;
}

/** The VM's own nginx for Nextcloud, after the upstream's sample for a server behind a TLS proxy. */
function nginxSite(facts: AppFacts, port: number, maxBodyMiB: number): string {
  const lines = [
    'upstream nextcloud-php { server unix:/run/php/nextcloud.sock; }',
    'server {',
    `    listen ${port};`,
    `    listen [::]:${port};`,
    `    server_name ${facts.webNames.join(' ')};`,
    `    root ${CODE};`,
    `    client_max_body_size ${maxBodyMiB}M;`,
    '    client_body_timeout 300s;',
    '    fastcgi_buffers 64 4K;',
    '    index index.php index.html /index.php$request_uri;',
    '    location = /robots.txt { allow all; log_not_found off; access_log off; }',
    '    location ^~ /.well-known {',
    '        location = /.well-known/carddav { return 301 /remote.php/dav/; }',
    '        location = /.well-known/caldav { return 301 /remote.php/dav/; }',
    '        return 301 /index.php$request_uri;',
    '    }',
    '    location ~ ^/(?:build|tests|config|lib|3rdparty|templates|data)(?:$|/) { return 404; }',
    '    location ~ ^/(?:\\.|autotest|occ|issue|indie|db_|console) { return 404; }',
    '    location ~ \\.php(?:$|/) {',
    '        rewrite ^/(?!index|remote|public|cron|core\\/ajax\\/update|status|ocs\\/v[12]|updater\\/.+|ocs-provider\\/.+|.+\\/richdocumentscode(_arm64)?\\/proxy) /index.php$request_uri;',
    '        fastcgi_split_path_info ^(.+?\\.php)(/.*)$;',
    '        set $path_info $fastcgi_path_info;',
    '        try_files $fastcgi_script_name =404;',
    '        include fastcgi_params;',
    '        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;',
    '        fastcgi_param PATH_INFO $path_info;',
    '        fastcgi_param HTTPS on;',
    '        fastcgi_param modHeadersAvailable true;',
    '        fastcgi_param front_controller_active true;',
    '        fastcgi_pass nextcloud-php;',
    '        fastcgi_intercept_errors on;',
    '        fastcgi_request_buffering off;',
    '        fastcgi_read_timeout 3600s;',
    '    }',
    '    location ~ \\.(?:css|js|mjs|svg|gif|png|jpg|ico|wasm|tflite|map|ogg|flac)$ { try_files $uri /index.php$request_uri; }',
    '    location ~ \\.woff2?$ { try_files $uri /index.php$request_uri; expires 7d; }',
    `    location ^~ /custom_apps/ { alias ${NEXTCLOUD_APPS}/; try_files $uri /index.php$request_uri; }`,
    '    location / { try_files $uri $uri/ /index.php$request_uri; }',
    '}',
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** cron.php every five minutes, as Nextcloud's documentation recommends, in a unit as hardened as the releases'. */
function cronUnits(php: string): { service: string; timer: string } {
  const service = [
    '[Unit]',
    'Description=Nextcloud background jobs (cron.php)',
    'After=network-online.target redis-server.service',
    '',
    '[Service]',
    'Type=oneshot',
    `User=${USER}`,
    `Group=${USER}`,
    `Environment=NEXTCLOUD_CONFIG_DIR=${NEXTCLOUD_CONFIG_DIR}`,
    `ExecStart=/usr/bin/php${php} -d apc.enable_cli=1 -f ${CODE}/cron.php`,
    ...hardening([NEXTCLOUD_CONFIG_DIR, NEXTCLOUD_APPS, NEXTCLOUD_DATA]),
    '',
  ];
  const timer = [
    '[Unit]',
    'Description=Nextcloud background jobs every five minutes',
    '',
    '[Timer]',
    'OnBootSec=5min',
    'OnUnitActiveSec=5min',
    'Unit=nextcloud-cron.service',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ];
  return { service: generated('#', service.join('\n')), timer: generated('#', timer.join('\n')) };
}

/** Shell: true when Nextcloud's own config.php says the install is done. */
const INSTALLED = `grep -qs "'installed' => true" ${shellWord(`${NEXTCLOUD_CONFIG_DIR}/config.php`)}`;

/** A step after the install: runs `action` (which prints what it did) only when `test` fails. */
function occStep(name: string, test: string, action: string): ConvergeCommand {
  return { name, argv: sh(`${INSTALLED} || exit 0; ${test} || ${action}`) };
}

/** Environment variables the install reads its passwords from (the task runs with no_log). */
const ADMIN_ENV = 'NC_ADMIN_PASSWORD';
const DB_ENV = 'NC_DB_PASSWORD';

/**
 * What converge runs after the release is in place: the install, once (guarded by Nextcloud's own
 * `installed`), the database upgrade after a bump, background jobs by cron, and richdocuments pointed at
 * Collabora. Each prints only when it changed something.
 */
export function nextcloudCommands(facts: AppFacts, collabora: string | undefined): ConvergeCommand[] {
  const db = facts.database;
  const install = [
    OCC,
    'maintenance:install',
    ...(db
      ? ['--database', 'pgsql', '--database-host', db.host, '--database-port', String(db.port)]
      : ['--database', 'sqlite']),
    ...(db
      ? ['--database-name', db.name, '--database-user', db.user, '--database-pass', `"$${DB_ENV}"`]
      : []),
    '--admin-user',
    NEXTCLOUD_ADMIN,
    '--admin-pass',
    `"$${ADMIN_ENV}"`,
    '--data-dir',
    NEXTCLOUD_DATA,
  ].map((w) => (w.startsWith('"$') ? w : shellWord(w)));
  const occ = (...args: string[]): string => [OCC, ...args].map(shellWord).join(' ');
  const steps: ConvergeCommand[] = [
    {
      name: `Install Nextcloud once (${facts.instance.label})`,
      argv: sh(`${INSTALLED} && exit 0; ${install.join(' ')}`),
      secretEnv: {
        [ADMIN_ENV]: appSecretKey(facts, 'admin-password'),
        ...(db ? { [DB_ENV]: db.passwordKey } : {}),
      },
    },
    occStep(
      'Upgrade the Nextcloud database after a new release',
      `! ${occ('status', '--output=json')} | grep -q '"needsDbUpgrade":true'`,
      occ('upgrade', '--no-interaction'),
    ),
    occStep(
      'Run Nextcloud background jobs from the systemd timer',
      `[ "$(${occ('config:app:get', 'core', 'backgroundjobs_mode')})" = cron ]`,
      occ('background:cron'),
    ),
  ];
  if (collabora)
    steps.push(
      occStep(
        'Install the richdocuments app (Collabora Online)',
        `[ -d ${shellWord(`${NEXTCLOUD_APPS}/richdocuments`)} ]`,
        occ('app:install', 'richdocuments'),
      ),
      occStep(
        `Point richdocuments at ${collabora}`,
        `[ "$(${occ('config:app:get', 'richdocuments', 'wopi_url')})" = ${shellWord(collabora)} ]`,
        occ('config:app:set', 'richdocuments', 'wopi_url', '--value', collabora),
      ),
    );
  return steps;
}

/** Nextcloud on its VM: release, config, PHP-FPM pool, nginx site, occ, cron timer, and the converge steps. */
export function nextcloudPart(model: Model, facts: AppFacts): Part {
  const vm = facts.instance.vm;
  const php = phpVersion(vm);
  const web = facts.instance.def.web!;
  const maxBody = web.maxBodyMiB ?? 1;
  const fpm = `php${php}-fpm`;
  const cron = cronUnits(php);
  const files: VmFile[] = [
    {
      path: NEXTCLOUD_CONFIG,
      content: nextcloudConfig(facts),
      permissions: '0640',
      owner: `root:${USER}`,
      secret: true,
    },
    {
      path: `/etc/php/${php}/fpm/pool.d/nextcloud.conf`,
      content: fpmPool(maxBody),
      reload: `restart release ${fpm}`,
    },
    {
      path: '/etc/nginx/conf.d/nextcloud.conf',
      content: nginxSite(facts, web.port, maxBody),
      reload: 'reload nginx',
    },
    { path: OCC, content: occWrapper(php), permissions: '0755' },
    { path: '/etc/systemd/system/nextcloud-cron.service', content: cron.service, reload: 'reload systemd' },
    { path: '/etc/systemd/system/nextcloud-cron.timer', content: cron.timer, reload: 'reload systemd' },
  ];
  const owned = `${USER}:${USER}`;
  return {
    name: `release: nextcloud ${facts.release.version} (${facts.instance.label})`,
    packages: ['php-cli', 'bzip2'],
    directories: [
      { path: NEXTCLOUD_CONFIG_DIR, mode: '0750', owner: owned },
      { path: '/var/lib/nextcloud', mode: '0755' },
      { path: NEXTCLOUD_APPS, mode: '0750', owner: owned },
      { path: '/srv/nextcloud', mode: '0750', owner: owned },
      { path: NEXTCLOUD_DATA, mode: '0750', owner: owned },
    ],
    files,
    services: [fpm, 'nginx', 'redis-server', 'nextcloud-cron.timer'],
    releases: [
      {
        app: NEXTCLOUD,
        version: facts.release.version,
        url: facts.release.url,
        checksum: checksumOf(facts.release),
        format: 'tar',
        program: 'occ',
        // PHP caches compiled code by path: FPM restarts when `current` moves to the new release.
        unit: fpm,
        restart: `restart release ${fpm}`,
      },
    ],
    commands: nextcloudCommands(facts, collaboraUrl(model, facts)),
    convergeOnly: true,
  };
}
