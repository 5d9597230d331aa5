// Gitea's configuration from the model and the store: /etc/gitea/app.ini and the once-only administrator bootstrap.
//
// The release machinery (baseline/releases.ts) installs the binary and its unit; this adds what makes it a
// forge: the public name, Git over SSH on the VM's own name, PostgreSQL on the `db:` VM, mail through the
// organisation's relay, the secrets Gitea would otherwise generate into app.ini itself, LFS, and no installer.
// Only the playbook writes it (its secrets exist only at converge), so first boot leaves Gitea stopped.
import { fqdn } from '../inventory/names.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { instanceDatabases, instanceScope } from '../model/instance-names.ts';
import type { ServiceInstance } from '../services/instances.ts';
import type { ReleaseApp } from '../services/types.ts';
import { type IniSections, INTERPOLATION, renderIni } from './ini.ts';
import { GENERATED_NOTE, type ConvergeCommand, type Part, secretRef, sh, shellWord } from './parts.ts';
import { releaseRoot } from './releases.ts';

export const GITEA_KIND = 'gitea';
export const GITEA_CONFIG = '/etc/gitea/app.ini';
/** Gitea's built-in SSH server: the system sshd keeps port 22 for administrators (services/kinds/gitea.ts). */
export const GITEA_SSH_PORT = 2222;
/** The kind whose VM relays the organisation's mail; it accepts mail from our VMs on port 25 without login. */
const MAIL_KIND = 'mail';
/** The administrator the bootstrap creates (`admin` itself is a name Gitea reserves). */
export const GITEA_ADMIN = 'forge-admin';
/** Left in the data directory (and so in its backup) once the administrator exists: the bootstrap's guard. */
export const GITEA_ADMIN_MARKER = 'infra-admin-created';
/** The variable the bootstrap reads the administrator's password from (the task runs with no_log). */
const ADMIN_PASSWORD_ENV = 'INFRA_GITEA_ADMIN_PASSWORD';

/** Application secrets of Gitea in the store, beside its database password (model/secret-needs.ts). */
export const GITEA_SECRETS = {
  secretKey: 'secret-key',
  internalToken: 'internal-token',
  jwtSecret: 'jwt-secret',
  lfsJwtSecret: 'lfs-jwt-secret',
  adminPassword: 'admin-password',
} as const;

/** The mail relay for an instance: a VM running `mail` in its own site first, else the first anywhere. */
function mailRelay(model: Model, instance: ServiceInstance): Vm | undefined {
  const relays = model.services.running.get(MAIL_KIND) ?? [];
  return relays.find((vm) => model.services.siteOf.get(vm.name) === instance.site) ?? relays[0];
}

/** The organisation's name as the page title; go-ini would expand a `%(KEY)s` in it, so that is broken up. */
function appName(model: Model): string {
  return model.inventory.org.name.replace(new RegExp(INTERPOLATION.source, 'g'), (m) =>
    m.replace('%(', '% ('),
  );
}

/** The database section: the instance's own database and role on the PostgreSQL VM it names in `db:`. */
function databaseKeys(model: Model, instance: ServiceInstance): IniSections[number][1] {
  const db = instanceDatabases(model, instance)[0];
  if (!db) return [];
  const server = model.services.vmByName.get(db.server)!;
  return [
    ['DB_TYPE', 'postgres'],
    ['HOST', `${fqdn(model.inventory, server)}:5432`],
    ['NAME', db.name],
    ['USER', db.user],
    ['PASSWD', { secretRef: secretRef(db.secret) }],
    // pg_hba.conf lets the VM in with scram-sha-256: the password never crosses the wire in clear.
    ['SSL_MODE', 'disable'],
  ];
}

/** The mailer section: the relay on port 25, or none when the organisation runs no mail VM. */
function mailerKeys(model: Model, instance: ServiceInstance): IniSections[number][1] {
  const relay = mailRelay(model, instance);
  if (!relay) return [['ENABLED', false]];
  return [
    ['ENABLED', true],
    ['PROTOCOL', 'smtp'],
    ['SMTP_ADDR', fqdn(model.inventory, relay)],
    ['SMTP_PORT', 25],
    ['FROM', `noreply@${model.inventory.org.domain}`],
  ];
}

/** app.ini of one Gitea instance, section by section; secrets are store references the playbook fills in. */
export function giteaIni(model: Model, instance: ServiceInstance, spec: ReleaseApp): IniSections {
  const domain = instance.ctx.webNames[0]!;
  const data = spec.dataDir;
  const secret = (name: string): { secretRef: string } => ({
    secretRef: secretRef(`${instanceScope(model, instance)}/${name}`),
  });
  const web = instance.def.web!;
  return [
    [
      '',
      [
        ['APP_NAME', appName(model)],
        ['RUN_USER', spec.user],
        ['RUN_MODE', 'prod'],
      ],
    ],
    [
      'server',
      [
        ['PROTOCOL', 'http'],
        ['DOMAIN', domain],
        ['ROOT_URL', `https://${domain}/`],
        // Every address, IPv6 first; the firewall lets only the site's proxies reach the port.
        ['HTTP_ADDR', '::'],
        ['HTTP_PORT', web.port],
        ['LOCAL_ROOT_URL', `http://localhost:${web.port}/`],
        ['APP_DATA_PATH', `${data}/data`],
        ['DISABLE_SSH', false],
        ['START_SSH_SERVER', true],
        ['BUILTIN_SSH_SERVER_USER', spec.user],
        // The web name points at the proxies; Git over SSH goes to the VM itself, by its own name.
        ['SSH_DOMAIN', fqdn(model.inventory, instance.vm)],
        ['SSH_LISTEN_HOST', '::'],
        ['SSH_PORT', GITEA_SSH_PORT],
        ['SSH_LISTEN_PORT', GITEA_SSH_PORT],
        ['LFS_START_SERVER', true],
        ['LFS_JWT_SECRET', secret(GITEA_SECRETS.lfsJwtSecret)],
        ['OFFLINE_MODE', true],
      ],
    ],
    ['database', databaseKeys(model, instance)],
    [
      'security',
      [
        ['INSTALL_LOCK', true],
        ['SECRET_KEY', secret(GITEA_SECRETS.secretKey)],
        ['INTERNAL_TOKEN', secret(GITEA_SECRETS.internalToken)],
      ],
    ],
    [
      'oauth2',
      [
        // HS256 signs with JWT_SECRET from the store; the RS256 default would make a key file Gitea keeps itself.
        ['JWT_SIGNING_ALGORITHM', 'HS256'],
        ['JWT_SECRET', secret(GITEA_SECRETS.jwtSecret)],
      ],
    ],
    ['repository', [['ROOT', `${data}/repositories`]]],
    ['lfs', [['PATH', `${data}/data/lfs`]]],
    ['mailer', mailerKeys(model, instance)],
    // Accounts are the organisation's to make (the administrator, the forge stack's teams): no sign-up page.
    ['service', [['DISABLE_REGISTRATION', true]]],
    ['session', [['COOKIE_SECURE', true]]],
    [
      'log',
      [
        ['MODE', 'console'],
        ['LEVEL', 'Info'],
        ['ROOT_PATH', `${data}/log`],
      ],
    ],
  ];
}

/**
 * The administrator, made once: the database schema first (`gitea migrate`, which the web server would run
 * at its first start), then the account; a marker in the data directory keeps it from running again.
 */
function adminBootstrap(model: Model, instance: ServiceInstance, spec: ReleaseApp): ConvergeCommand {
  const gitea = [
    'runuser',
    '-u',
    spec.user,
    '--',
    `${releaseRoot(instance.kind)}/current/${spec.program}`,
    '--config',
    GITEA_CONFIG,
    '--work-path',
    spec.dataDir,
  ].join(' ');
  const marker = `${spec.dataDir}/${GITEA_ADMIN_MARKER}`;
  const email = `${GITEA_ADMIN}@${model.inventory.org.domain}`;
  const script = [
    'set -e',
    `test -e ${marker} && exit 0`,
    `${gitea} migrate >/dev/null`,
    `${gitea} admin user create --admin --username ${GITEA_ADMIN} --email ${shellWord(email)} --password "$${ADMIN_PASSWORD_ENV}" --must-change-password=false >/dev/null`,
    `install -o ${spec.user} -g ${spec.user} -m 0600 /dev/null ${marker}`,
    `echo 'created the Gitea administrator ${GITEA_ADMIN}'`,
  ].join('\n');
  return {
    name: `Gitea administrator ${GITEA_ADMIN} on ${instance.vm.name}, once`,
    argv: sh(script),
    secretEnv: { [ADMIN_PASSWORD_ENV]: `${instanceScope(model, instance)}/${GITEA_SECRETS.adminPassword}` },
  };
}

/**
 * app.ini and the administrator of the VM's Gitea, when its release is pinned and the organisation has a
 * store to take the secrets from; undefined otherwise (the catalog's rules say what is missing).
 */
export function giteaPart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === GITEA_KIND);
  const spec = instance?.def.release;
  if (!instance || !spec || !model.inventory.releases[GITEA_KIND] || !model.inventory.org.secrets)
    return undefined;
  return {
    name: `gitea: ${GITEA_CONFIG} for ${instance.ctx.webNames[0]!}, administrator ${GITEA_ADMIN}`,
    directories: [{ path: '/etc/gitea', mode: '0750', owner: `root:${spec.user}` }],
    files: [
      {
        path: GITEA_CONFIG,
        content: renderIni(`; ${GENERATED_NOTE}`, giteaIni(model, instance, spec)),
        permissions: '0640',
        owner: `root:${spec.user}`,
        secret: true,
        reload: `restart release ${GITEA_KIND}`,
      },
    ],
    commands: [adminBootstrap(model, instance, spec)],
    convergeOnly: true,
  };
}
