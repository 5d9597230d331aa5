// Icinga Web 2 on the Icinga2 master: its database and the IDO's on the master's own PostgreSQL (roles with
// passwords from the store, schemas imported once), the IDO feature writing there, Icinga Web 2's files from
// the model (resources, database authentication, roles of the members with sudo or on call, the monitoring
// module's backend and API command transport), the members' logins from the store, nginx and php-fpm serving
// it to the site's proxies on port 80.
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { icingawebRoles, icingawebUsers, webPasswordName } from '../model/icingaweb-users.ts';
import { instanceScope } from '../model/instance-names.ts';
import { MONITORING_KINDS } from '../services/catalog.ts';
import { ICINGA_DATABASES } from '../services/kinds/icinga2-master.ts';
import type { ServiceInstance } from '../services/instances.ts';
import {
  GENERATED_NOTE,
  type ConvergeCommand,
  type Part,
  secretRef,
  type VmFile,
} from '../baseline/parts.ts';
import { databaseScript, PSQL_AS_POSTGRES, VERIFIER_ENV } from '../baseline/postgresql-roles.ts';

/** The databases on the master's PostgreSQL, each owned by a role of the same name. */
export const IDO_DB = { name: ICINGA_DATABASES.ido, user: ICINGA_DATABASES.ido } as const;
export const WEB_DB = { name: ICINGA_DATABASES.web, user: ICINGA_DATABASES.web } as const;
/** The ApiUser Icinga Web 2 sends commands as (its password: the master's `api-password`). */
export const API_USER = 'icingaweb2';
const IDO_SCHEMA = '/usr/share/icinga2-ido-pgsql/schema/pgsql.sql';
const WEB_SCHEMA = '/usr/share/icingaweb2/schema/pgsql.schema.sql';
const CONFIG = '/etc/icingaweb2';
/** Where Debian keeps Icinga Web 2's configuration: group icingaweb2 (with www-data) writes, setgid. */
const CONFIG_MODE = '2770';
/** The environment variable of the n-th login's password in the login task. */
const loginEnv = (n: number): string => `INFRA_WEB_PASSWORD_${n}`;

/** The php-fpm unit (and socket) of the VM's Debian release. */
export function phpFpm(vm: Vm): string {
  return vm.os === 'debian-13' ? 'php8.4-fpm' : 'php8.2-fpm';
}

type IniSection = readonly [string, readonly (readonly [string, string])[]];

/**
 * Icinga Web 2's INI (PHP's parse_ini_file): every value double-quoted. A value with a quote, backslash, `$`
 * or line break would be read otherwise, so it is refused; ours are names, numbers and store references.
 */
export function icingaIni(sections: readonly IniSection[]): string {
  const value = (v: string): string => {
    const plain = v.replace(/\{\{ secrets\['[A-Za-z0-9/._-]+'\] \}\}/g, '');
    if (/["\\$\r\n]/.test(plain))
      throw new Error(`an Icinga Web 2 INI value holds ", \\, $ or a line break: ${v}`);
    return `"${v}"`;
  };
  const body = sections.map(
    ([name, keys]) => `[${name}]\n${keys.map(([k, v]) => `${k} = ${value(v)}\n`).join('')}`,
  );
  return `; ${GENERATED_NOTE}\n\n${body.join('\n')}`;
}

function resourcesIni(scope: string): string {
  const db = (spec: { name: string; user: string }, secret: string): IniSection[1] => [
    ['type', 'db'],
    ['db', 'pgsql'],
    ['host', 'localhost'],
    ['port', '5432'],
    ['dbname', spec.name],
    ['username', spec.user],
    ['password', secretRef(`${scope}/${secret}`)],
    ['charset', 'utf8'],
  ];
  return icingaIni([
    ['icingaweb_db', db(WEB_DB, 'web-db-password')],
    ['icinga_ido', db(IDO_DB, 'ido-db-password')],
  ]);
}

function idoConf(scope: string): string {
  return [
    `// ${GENERATED_NOTE}`,
    'object IdoPgsqlConnection "ido-pgsql" {',
    `  user = "${IDO_DB.user}"`,
    `  password = "${secretRef(`${scope}/ido-db-password`)}"`,
    '  host = "localhost"',
    `  database = "${IDO_DB.name}"`,
    '}',
    '',
  ].join('\n');
}

/** nginx on the master: Icinga Web 2 under /icingaweb2 through php-fpm, for the proxies and for localhost. */
function nginxSite(instance: ServiceInstance, fpm: string): string {
  const names = [...instance.ctx.webNames, instance.ctx.fqdn, 'localhost'];
  return `# ${GENERATED_NOTE}
server {
    listen 80;
    listen [::]:80;
    server_name ${[...new Set(names)].join(' ')};
    server_tokens off;
    location = / {
        return 302 /icingaweb2/;
    }
    location ~ ^/icingaweb2/index\\.php(.*)$ {
        fastcgi_pass unix:/run/php/${fpm}.sock;
        fastcgi_index index.php;
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME /usr/share/icingaweb2/public/index.php;
        fastcgi_param ICINGAWEB_CONFIGDIR ${CONFIG};
        fastcgi_param REMOTE_USER $remote_user;
    }
    location ~ ^/icingaweb2(.+)? {
        alias /usr/share/icingaweb2/public;
        index index.php;
        try_files $1 $uri $uri/ /icingaweb2/index.php$is_args$args;
    }
}
`;
}

/** The monitoring module's files: the IDO as its backend, commands through the Icinga2 API. */
function monitoringModuleFiles(scope: string): [path: string, content: string, secret: boolean][] {
  return [
    [
      'modules/monitoring/backends.ini',
      icingaIni([
        [
          'icinga',
          [
            ['type', 'ido'],
            ['resource', 'icinga_ido'],
          ],
        ],
      ]),
      false,
    ],
    [
      'modules/monitoring/commandtransports.ini',
      icingaIni([
        [
          'icinga2',
          [
            ['transport', 'api'],
            ['host', 'localhost'],
            ['port', '5665'],
            ['username', API_USER],
            ['password', secretRef(`${scope}/api-password`)],
          ],
        ],
      ]),
      true,
    ],
    [
      'modules/monitoring/config.ini',
      icingaIni([['security', [['protected_customvars', '*pw*,*pass*,community']]]]),
      false,
    ],
  ];
}

/** Icinga Web 2's own files: which may hold a store reference (then written with no_log). */
function webFiles(model: Model, scope: string): VmFile[] {
  const file = (path: string, content: string, secret = false): VmFile => ({
    path: `${CONFIG}/${path}`,
    content,
    permissions: '0640',
    owner: 'root:icingaweb2',
    defer: true,
    ...(secret ? { secret: true as const } : {}),
  });
  const dbBackend: IniSection[1] = [
    ['backend', 'db'],
    ['resource', 'icingaweb_db'],
  ];
  const roles = icingawebRoles(model.inventory);
  return [
    file(
      'config.ini',
      icingaIni([
        [
          'global',
          [
            ['show_stacktraces', '0'],
            ['config_backend', 'db'],
            ['config_resource', 'icingaweb_db'],
            ['module_path', '/usr/share/icingaweb2/modules'],
          ],
        ],
        [
          'logging',
          [
            ['log', 'syslog'],
            ['level', 'ERROR'],
            ['application', 'icingaweb2'],
            ['facility', 'user'],
          ],
        ],
      ]),
    ),
    file('resources.ini', resourcesIni(scope), true),
    file('authentication.ini', icingaIni([['icingaweb2', dbBackend]])),
    file('groups.ini', icingaIni([['icingaweb2', dbBackend]])),
    file(
      'roles.ini',
      icingaIni(
        roles.map((r) => [
          r.name,
          [
            ['users', r.users.join(', ')],
            ['permissions', r.permissions.join(', ')],
          ],
        ]),
      ),
    ),
    ...monitoringModuleFiles(scope).map(([path, content, secret]) => file(path, content, secret)),
  ];
}

/** Starts the units where systemd runs (never in a chroot or an image build); prints only what it started. */
function startUnits(units: readonly string[]): ConvergeCommand {
  return {
    name: `Start ${units.join(', ')} where systemd runs`,
    argv: [
      'sh',
      '-c',
      '[ -d /run/systemd/system ] || exit 0\nfor u in "$@"; do systemctl is-active --quiet "$u" || { systemctl start "$u" && echo "started $u"; }; done',
      'start',
      ...units,
    ],
  };
}

/**
 * Runs argv where the master's PostgreSQL can answer: where systemd runs (startUnits started it; a server
 * that is down fails the task), or where one answers anyway; in a chroot without one (an image build) the
 * database steps wait for the first converge of the running VM, as the handlers do.
 */
function withPostgres(argv: readonly string[]): string[] {
  const guard = '[ -d /run/systemd/system ] || pg_isready -q || exit 0\nexec "$@"';
  return ['sh', '-c', guard, 'with-postgres', ...argv];
}

/** Imports a schema as the database's owner, only while `table` is missing; prints only when it imported. */
function importSchema(db: { name: string; user: string }, table: string, schema: string): ConvergeCommand {
  const psql = `runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d ${db.name}`;
  return {
    name: `Schema of ${db.name} (${schema}) when ${table} is missing`,
    argv: withPostgres([
      'sh',
      '-c',
      `set -e\n[ "$(${psql} -t -A -c "SELECT to_regclass('public.${table}') IS NULL")" = t ] || exit 0\n${psql} -c 'SET ROLE ${db.user}' -f ${schema} >/dev/null\necho "imported ${schema}"`,
    ]),
  };
}

/**
 * Each member's login in Icinga Web 2's database: added or given the store's password when it no longer
 * verifies, removed when the member no longer has the role. Run as postgres over the local socket.
 */
const LOGINS = `<?php
$db = new PDO('pgsql:dbname=${WEB_DB.name}');
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$want = [];
foreach (array_slice($argv, 1) as $i => $name) $want[$name] = getenv('INFRA_WEB_PASSWORD_' . $i);
$have = [];
foreach ($db->query('SELECT name, password_hash FROM icingaweb_user') as $row) {
    $hash = $row['password_hash'];
    $have[$row['name']] = is_resource($hash) ? stream_get_contents($hash) : $hash;
}
foreach ($want as $name => $password) {
    if ($password === false || $password === '') { fwrite(STDERR, "no password for $name\\n"); exit(1); }
    if (isset($have[$name]) && password_verify($password, $have[$name])) continue;
    $sql = isset($have[$name])
        ? 'UPDATE icingaweb_user SET password_hash = :hash, active = 1, mtime = NOW() WHERE name = :name'
        : 'INSERT INTO icingaweb_user (name, active, password_hash, ctime) VALUES (:name, 1, :hash, NOW())';
    $query = $db->prepare($sql);
    $query->bindValue(':name', $name);
    $query->bindValue(':hash', password_hash($password, PASSWORD_DEFAULT), PDO::PARAM_LOB);
    $query->execute();
    echo (isset($have[$name]) ? 'new password for ' : 'added login ') . $name . "\\n";
}
foreach (array_diff(array_keys($have), array_keys($want)) as $name) {
    $db->prepare('DELETE FROM icingaweb_user WHERE name = :name')->execute([':name' => $name]);
    echo "removed login $name\\n";
}
`;

function loginsCommand(model: Model, scope: string): ConvergeCommand {
  const users = icingawebUsers(model.inventory);
  return {
    name: `Icinga Web 2 logins of ${users.length > 0 ? users.join(', ') : 'nobody'} (passwords from the store)`,
    argv: withPostgres(['runuser', '-u', 'postgres', '--', 'php', '--', ...users]),
    stdin: LOGINS,
    secretEnv: Object.fromEntries(users.map((u, n) => [loginEnv(n), `${scope}/${webPasswordName(u)}`])),
  };
}

function roleCommand(db: { name: string; user: string }, scope: string, secret: string): ConvergeCommand {
  return {
    name: `PostgreSQL role ${db.user} and database ${db.name} (Icinga on the master)`,
    argv: withPostgres(PSQL_AS_POSTGRES),
    stdin: databaseScript(db, true),
    secretEnv: { [VERIFIER_ENV]: `${scope}/${secret}.scram` },
  };
}

/** Icinga Web 2 and the IDO on the master, or undefined on any other VM. */
export function icingawebPart(model: Model, vm: Vm): Part | undefined {
  const instance = model.services.onVm.get(vm.name)?.find((i) => i.kind === MONITORING_KINDS[0]);
  if (!instance) return undefined;
  const scope = instanceScope(model, instance);
  const fpm = phpFpm(vm);
  const dir = (path: string): { path: string; mode: string; owner: string } => ({
    path,
    mode: CONFIG_MODE,
    owner: 'root:icingaweb2',
  });
  return {
    name: 'icingaweb2: Icinga Web 2 and the IDO on the local PostgreSQL, logins of the members with sudo or on call',
    packages: [
      'postgresql',
      'icinga2-ido-pgsql',
      'icingaweb2',
      'icingaweb2-module-monitoring',
      'icingacli',
      'php-fpm',
      'php-pgsql',
      'php-intl',
      'nginx',
    ],
    // The IDO's package would make its database itself (dbconfig-common) and enable the feature: we do both.
    debconf: [
      {
        package: 'icinga2-ido-pgsql',
        question: 'icinga2-ido-pgsql/dbconfig-install',
        type: 'boolean',
        value: 'false',
      },
      { package: 'icinga2-ido-pgsql', question: 'icinga2-ido-pgsql/enable', type: 'boolean', value: 'false' },
    ],
    directories: [CONFIG, `${CONFIG}/modules`, `${CONFIG}/modules/monitoring`].map(dir),
    files: [
      {
        path: '/etc/icinga2/features-available/ido-pgsql.conf',
        content: idoConf(scope),
        permissions: '0640',
        owner: 'root:nagios',
        defer: true,
        secret: true,
        reload: 'restart icinga2',
      },
      ...webFiles(model, scope),
      {
        path: '/etc/nginx/sites-enabled/icingaweb2',
        content: nginxSite(instance, fpm),
        permissions: '0644',
        defer: true,
        reload: 'reload nginx',
      },
    ],
    once: [
      {
        name: 'Enable the Icinga2 IDO feature (PostgreSQL)',
        argv: ['icinga2', 'feature', 'enable', 'ido-pgsql'],
        creates: '/etc/icinga2/features-enabled/ido-pgsql.conf',
      },
      {
        name: "Enable Icinga Web 2's monitoring module",
        argv: ['icingacli', 'module', 'enable', 'monitoring'],
        creates: `${CONFIG}/enabledModules/monitoring`,
      },
    ],
    services: ['postgresql', fpm, 'nginx', 'icinga2'],
    commands: [
      startUnits(['postgresql']),
      roleCommand(IDO_DB, scope, 'ido-db-password'),
      roleCommand(WEB_DB, scope, 'web-db-password'),
      importSchema(IDO_DB, 'icinga_dbversion', IDO_SCHEMA),
      importSchema(WEB_DB, 'icingaweb_user', WEB_SCHEMA),
      loginsCommand(model, scope),
      startUnits([fpm, 'nginx', 'icinga2']),
    ],
    convergeOnly: true,
  };
}
