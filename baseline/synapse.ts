// Synapse's configuration from the model and the store: server name, public URL, PostgreSQL, the listeners the
// proxies reach, TURN from the site's coturn, and its secrets; a conf.d file over the package's defaults.
import { stringify } from 'yaml';
import type { Model } from '../model/derive.ts';
import { instanceDatabases, instanceScope } from '../model/instance-names.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { CLIENT_PORT, FEDERATION_PORT, serverName } from '../services/kinds/synapse.ts';
import { generated, type Part, secretRef, type VmFile } from './parts.ts';
import { SECRETS_DIR } from './secret-files.ts';

const KIND = 'synapse';
/** Read after the package's homeserver.yaml (the unit passes conf.d/ as a second --config-path): its keys win. */
export const SYNAPSE_CONFIG = '/etc/matrix-synapse/conf.d/infra.yaml';

/** TURN URIs of the coturn servers in the instance's site, and the store key of their shared secret. */
function turnOf(model: Model, instance: ServiceInstance): { uris: string[]; secret: string } | undefined {
  const turns = model.services.instances.filter((i) => i.kind === 'coturn' && i.site === instance.site);
  if (turns.length === 0) return undefined;
  const names = [...new Set(turns.map((t) => t.ctx.names[0] ?? t.ctx.fqdn))];
  return {
    uris: names.flatMap((n) => [
      `turns:${n}:5349?transport=tcp`,
      `turn:${n}:3478?transport=udp`,
      `turn:${n}:3478?transport=tcp`,
    ]),
    secret: `site/${instance.site}/turn-secret`,
  };
}

/** One listener for the proxies: plain HTTP on every address, trusting their X-Forwarded-For. */
function listener(port: number, resource: 'client' | 'federation'): Record<string, unknown> {
  return {
    port,
    type: 'http',
    tls: false,
    bind_addresses: ['::'],
    x_forwarded: true,
    resources: [{ names: [resource], compress: false }],
  };
}

/** The settings Synapse takes from us, as a plain object (secrets as secretRef()s): what the sample test checks. */
export function synapseSettings(model: Model, instance: ServiceInstance): Record<string, unknown> {
  const scope = instanceScope(model, instance);
  const db = instanceDatabases(model, instance)[0];
  const turn = turnOf(model, instance);
  const publicName = instance.ctx.webNames[0] ?? instance.ctx.fqdn;
  const server = db ? model.services.vmByName.get(db.server) : undefined;
  return {
    server_name: serverName(instance.ctx),
    public_baseurl: `https://${publicName}/`,
    // The proxies answer /.well-known for the server name (services/kinds/synapse.ts delegations).
    serve_server_wellknown: false,
    listeners: [listener(CLIENT_PORT, 'client'), listener(FEDERATION_PORT, 'federation')],
    ...(db && server
      ? {
          database: {
            name: 'psycopg2',
            // Synapse checks the database's collation is C: postgresql-roles.ts creates it so.
            args: {
              user: db.user,
              password: secretRef(db.secret),
              dbname: db.name,
              host: fqdn(model.inventory, server),
              port: 5432,
              cp_min: 5,
              cp_max: 10,
            },
          },
        }
      : {}),
    signing_key_path: `${SECRETS_DIR}/${scope}/signing-key`,
    registration_shared_secret: secretRef(`${scope}/registration-shared-secret`),
    macaroon_secret_key: secretRef(`${scope}/macaroon-secret-key`),
    form_secret: secretRef(`${scope}/form-secret`),
    enable_registration: false,
    report_stats: false,
    media_store_path: '/var/lib/matrix-synapse/media',
    max_upload_size: `${instance.def.web?.maxBodyMiB ?? 50}M`,
    ...(turn
      ? {
          turn_uris: turn.uris,
          turn_shared_secret: secretRef(turn.secret),
          turn_user_lifetime: '1h',
          turn_allow_guests: false,
        }
      : {}),
  };
}

/** The configuration file of each Synapse on the VM (converge only: it holds secrets from the store). */
export function synapsePart(model: Model, vm: Vm): Part | undefined {
  if (!model.inventory.org.secrets) return undefined;
  const own = (model.services.onVm.get(vm.name) ?? []).filter((i) => i.kind === KIND);
  const instance = own[0];
  if (!instance) return undefined;
  const file: VmFile = {
    path: SYNAPSE_CONFIG,
    content: generated('#', stringify(synapseSettings(model, instance), { lineWidth: 0 })),
    permissions: '0640',
    owner: 'root:matrix-synapse',
    secret: true,
    // The handler restarts the unit of that name where systemd runs (the one release units use too).
    reload: 'restart release matrix-synapse',
  };
  return {
    name: `synapse: ${SYNAPSE_CONFIG} (server ${serverName(instance.ctx)}, converge only)`,
    files: [file],
    convergeOnly: true,
  };
}
