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

function mailmanCfg(model: Model, instance: ServiceInstance): string {
  const scope = instanceScope(model, instance);
  const owner = `postmaster@${listParam(instance.ctx, 'list_domains')[0] ?? instance.ctx.domain}`;
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

/** nginx on the VM serves Postorius and HyperKitty (uwsgi) to the proxies on port 80. */
function nginxSite(instance: ServiceInstance): string {
  return generated(
    '#',
    `upstream mailman3 {
    server unix:/run/mailman3-web/uwsgi.sock fail_timeout=0;
}
server {
    listen 80;
    listen [::]:80;
    server_name ${instance.ctx.webNames.join(' ')};
    server_tokens off;
    location / {
        uwsgi_pass mailman3;
        include /etc/nginx/uwsgi_params;
    }
    location /mailman3/static {
        alias /var/lib/mailman3/web/static;
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
  return {
    name: `mailman: ${domains.join(', ')}`,
    files,
    commands: [
      {
        name: `Mailman has the list domains ${domains.join(', ')}`,
        argv: ['runuser', '-u', 'list', '--', 'python3', '-', ...domains],
        stdin: ADD_DOMAINS,
      },
    ],
    convergeOnly: true,
  };
}
