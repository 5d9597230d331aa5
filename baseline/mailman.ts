// Mailman 3 on a VM running `mailman`: core and web on the PostgreSQL VM of `db:`, Postfix handing the list
// domains' mail to Mailman over LMTP, the web UI (uwsgi) behind the VM's nginx for the site's proxies, and the
// REST password, archiver key and Django secret from the store. Debian's mailman3-full brings the programs.
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import type { Model } from '../model/derive.ts';
import { instanceDatabases, instanceScope } from '../model/instance-names.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { listParam } from '../services/kinds/_helpers.ts';
import { generated, type Part, secretRef, type VmFile } from './parts.ts';

const KIND = 'mailman';
const DATA = '/var/lib/mailman3/data';

/** The PostgreSQL URL of one of the instance's databases, its password a store reference. */
function databaseUrl(model: Model, instance: ServiceInstance, index: number): string {
  const db = instanceDatabases(model, instance)[index]!;
  const host = fqdn(
    model.inventory,
    model.inventory.vms.find((v) => v.name === db.server)!,
  );
  return `postgresql://${db.user}:${secretRef(db.secret)}@${host}/${db.name}`;
}

/** Who Mailman names as the site's owner: postmaster of the first list domain. */
function siteOwner(instance: ServiceInstance): string {
  return `postmaster@${listParam(instance.ctx, 'list_domains')[0] ?? instance.ctx.domain}`;
}

function mailmanCfg(model: Model, instance: ServiceInstance): string {
  const scope = instanceScope(model, instance);
  const owner = siteOwner(instance);
  return generated(
    '#',
    `[mailman]
site_owner: ${owner}
layout: debian

[paths.debian]
var_dir: /var/lib/mailman3
queue_dir: $var_dir/queue
bin_dir: /usr/lib/mailman3/bin
list_data_dir: $var_dir/lists
log_dir: /var/log/mailman3
lock_dir: $var_dir/locks
data_dir: $var_dir/data
cache_dir: $var_dir/cache
etc_dir: /etc/mailman3
ext_dir: $var_dir/ext
messages_dir: $var_dir/messages
archive_dir: $var_dir/archives
template_dir: $var_dir/templates
pid_file: /run/mailman3/master.pid
lock_file: $lock_dir/master.lck

[database]
class: mailman.database.postgresql.PostgreSQLDatabase
url: ${databaseUrl(model, instance, 0)}

[webservice]
hostname: localhost
port: 8001
admin_user: restadmin
admin_pass: ${secretRef(`${scope}/rest-password`)}

[mta]
incoming: mailman.mta.postfix.LMTP
outgoing: mailman.mta.deliver.deliver
smtp_host: localhost
smtp_port: 25
lmtp_host: 127.0.0.1
lmtp_port: 8024
configuration: python:mailman.config.postfix

[archiver.hyperkitty]
class: mailman_hyperkitty.Archiver
enable: yes
configuration: /etc/mailman3/mailman-hyperkitty.cfg
`,
  );
}

/** Django's settings beside Debian's (its settings.py imports this file last): only what differs. */
function webSettings(model: Model, instance: ServiceInstance): string {
  const scope = instanceScope(model, instance);
  const db = instanceDatabases(model, instance)[1]!;
  const host = fqdn(
    model.inventory,
    model.inventory.vms.find((v) => v.name === db.server)!,
  );
  const names = [...instance.ctx.webNames, 'localhost'];
  const emailName = listParam(instance.ctx, 'list_domains')[0] ?? instance.ctx.domain;
  const text = `SECRET_KEY = '${secretRef(`${scope}/django-secret-key`)}'
ALLOWED_HOSTS = [${names.map((n) => `'${n}'`).join(', ')}]
MAILMAN_REST_API_URL = 'http://localhost:8001'
MAILMAN_REST_API_USER = 'restadmin'
MAILMAN_REST_API_PASS = '${secretRef(`${scope}/rest-password`)}'
MAILMAN_ARCHIVER_KEY = '${secretRef(`${scope}/hyperkitty-api-key`)}'
MAILMAN_ARCHIVER_FROM = ('127.0.0.1', '::1')
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql_psycopg2',
        'NAME': '${db.name}',
        'USER': '${db.user}',
        'PASSWORD': '${secretRef(db.secret)}',
        'HOST': '${host}',
        'PORT': '5432',
    }
}
# Behind the site's TLS-terminating proxies.
USE_X_FORWARDED_HOST = True
SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https')
EMAILNAME = '${emailName}'
DEFAULT_FROM_EMAIL = 'postorius@${emailName}'
SERVER_EMAIL = 'root@${fqdn(model.inventory, instance.vm)}'
COMPRESS_OFFLINE = True
POSTORIUS_TEMPLATE_BASE_URL = 'http://localhost/mailman3/'
`;
  return generated('#', text);
}

/** Postfix of the list VM: the list domains are relayed to Mailman's LMTP through the maps Mailman writes. */
function postfixMainCf(model: Model, instance: ServiceInstance): string {
  const { fqdn: name } = instance.ctx;
  const lines = [
    'compatibility_level = 3.6',
    `myhostname = ${name}`,
    'myorigin = $myhostname',
    'mydestination = $myhostname, localhost',
    'mynetworks = 127.0.0.0/8 [::1]/128',
    'inet_interfaces = all',
    'inet_protocols = all',
    'smtpd_banner = $myhostname ESMTP',
    'biff = no',
    'recipient_delimiter = +',
    'alias_maps = hash:/etc/aliases',
    'alias_database = hash:/etc/aliases',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
    `relay_domains = hash:${DATA}/postfix_domains`,
    `transport_maps = hash:${DATA}/postfix_lmtp`,
    `local_recipient_maps = proxy:unix:passwd.byname $alias_maps hash:${DATA}/postfix_lmtp`,
    `smtpd_tls_cert_file = /etc/letsencrypt/live/${name}/fullchain.pem`,
    `smtpd_tls_key_file = /etc/letsencrypt/live/${name}/privkey.pem`,
    'smtpd_tls_security_level = may',
    'smtp_tls_security_level = may',
    'smtp_tls_CApath = /etc/ssl/certs',
  ];
  return generated('#', `${lines.join('\n')}\n`);
}

/**
 * nginx on the VM serves Postorius and HyperKitty (uwsgi) under /mailman3/ to the proxies on port 80, where
 * the catalog's health check, the static files and core's archiver (`localhost`) expect them.
 */
function nginxSite(instance: ServiceInstance): string {
  return generated(
    '#',
    `upstream mailman3 {
    server unix:/run/mailman3-web/uwsgi.sock fail_timeout=0;
}
server {
    listen 80;
    listen [::]:80;
    server_name ${[...instance.ctx.webNames, 'localhost'].join(' ')};
    server_tokens off;
    location = / {
        return 302 /mailman3/;
    }
    location /mailman3/static {
        alias /var/lib/mailman3/web/static;
    }
    location /mailman3/ {
        # Django sees its own paths (/postorius/...) and writes its links under /mailman3.
        rewrite ^/mailman3(/.*)$ $1 break;
        uwsgi_pass mailman3;
        include /etc/nginx/uwsgi_params;
        uwsgi_param SCRIPT_NAME /mailman3;
    }
}
`,
  );
}

/**
 * Registers the list domains with Mailman core (its database must be reachable); prints only what it added,
 * which is how the playbook tells a change. Run as `list`: a root run leaves files `list` cannot use.
 */
const ADD_DOMAINS = `import sys
from mailman.core.initialize import initialize
initialize('/etc/mailman3/mailman.cfg')
from mailman.config import config
from mailman.interfaces.domain import IDomainManager
from zope.component import getUtility
manager = getUtility(IDomainManager)
for name in sys.argv[1:]:
    if manager.get(name) is None:
        manager.add(name)
        print('added', name)
config.db.commit()
`;

/** Django as Debian's mailman-web runs it (manage.py beside its settings), for the scripts below. */
const DJANGO = `import os, sys
sys.path.insert(0, '/usr/share/mailman3-web')
os.environ['DJANGO_SETTINGS_MODULE'] = 'settings'
import django
django.setup()
`;

/**
 * Brings the web database's schema up to date (what Debian's postinst does only for its own SQLite file);
 * prints only the migrations it applied.
 */
const MIGRATE = `${DJANGO}from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
executor = MigrationExecutor(connection)
plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
if plan:
    call_command('migrate', interactive=False, verbosity=0)
    print('applied', len(plan), 'migrations')
`;

/** The environment variable the superuser's password reaches the script in (never its command line). */
const ADMIN_PASSWORD_ENV = 'MAILMAN_WEB_ADMIN_PASSWORD';

/**
 * The web UI's superuser with the store's password and a verified address (allauth lets nobody in with an
 * unconfirmed one); prints only what it changed.
 */
const SUPERUSER = `${DJANGO}from django.contrib.auth.models import User
from allauth.account.models import EmailAddress
name, email = sys.argv[1:3]
password = os.environ['${ADMIN_PASSWORD_ENV}']
user = User.objects.filter(username=name).first()
if user is None:
    user = User.objects.create_superuser(name, email, password)
    print('created', name)
elif not (user.is_superuser and user.is_staff and user.is_active and user.email == email
          and user.check_password(password)):
    user.is_superuser = user.is_staff = user.is_active = True
    user.email = email
    user.set_password(password)
    user.save()
    print('updated', name)
if not EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists():
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={'verified': True, 'primary': True})
    print('verified', email)
`;

/** The web UI's superuser: `admin`, at the site owner's address (mailman.cfg's site_owner). */
export const WEB_ADMIN = 'admin';

/** The Mailman VM's files; undefined on a VM without `mailman`. */
export function mailmanPart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === KIND);
  if (!instance || instanceDatabases(model, instance).length < 2) return undefined;
  const scope = instanceScope(model, instance);
  const secretFile = (path: string, content: string, owner: string, reload: VmFile['reload']): VmFile => ({
    path,
    content,
    permissions: '0640',
    owner,
    secret: true,
    reload,
  });
  const files: VmFile[] = [
    secretFile('/etc/mailman3/mailman.cfg', mailmanCfg(model, instance), 'root:list', 'restart mailman3'),
    secretFile(
      '/etc/mailman3/mailman-hyperkitty.cfg',
      generated(
        '#',
        `[general]\nbase_url: http://localhost/mailman3/hyperkitty/\napi_key: ${secretRef(`${scope}/hyperkitty-api-key`)}\n`,
      ),
      'root:list',
      'restart mailman3',
    ),
    secretFile(
      '/etc/mailman3/mailman-web.py',
      webSettings(model, instance),
      'root:www-data',
      'restart mailman3-web',
    ),
    {
      path: '/etc/postfix/main.cf',
      content: postfixMainCf(model, instance),
      permissions: '0644',
      defer: true,
      reload: 'reload postfix',
    },
    {
      path: '/etc/nginx/sites-enabled/mailman3',
      content: nginxSite(instance),
      permissions: '0644',
      defer: true,
      reload: 'reload nginx',
    },
  ];
  const domains = listParam(instance.ctx, 'list_domains');
  // As www-data, like Debian's mailman-web: the web log and search index belong to it.
  const asWeb = ['runuser', '-u', 'www-data', '--', 'python3', '-'];
  return {
    name: `mailman: ${domains.join(', ')}`,
    files,
    commands: [
      {
        name: `Mailman has the list domains ${domains.join(', ')}`,
        argv: ['runuser', '-u', 'list', '--', 'python3', '-', ...domains],
        stdin: ADD_DOMAINS,
      },
      { name: "Mailman web's database has every migration", argv: asWeb, stdin: MIGRATE },
      {
        name: `Mailman web has its superuser ${WEB_ADMIN}`,
        argv: [...asWeb, WEB_ADMIN, siteOwner(instance)],
        stdin: SUPERUSER,
        secretEnv: { [ADMIN_PASSWORD_ENV]: `${scope}/web-admin-password` },
      },
    ],
    // Core, the web UI (uwsgi), Postfix for the list domains and nginx in front of the web UI.
    services: ['mailman3', 'mailman3-web', 'postfix', 'nginx'],
    convergeOnly: true,
  };
}
