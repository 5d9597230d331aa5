// The Icinga2 master and satellites on their VMs: the generated configuration deployed on the master (checked
// by `icinga2 daemon -C` before it replaces the live one, then compared with the artifact), and the PKI that
// joins the satellites (the master's CA, certificates requested with a ticket made from the store's salt).
//
// This lives in monitoring/, not baseline/, because it deploys what monitoring/ renders; baseline/ sits below.
import { createHash } from 'node:crypto';
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { instanceScope } from '../model/instance-names.ts';
import { secretKey } from '../model/secret-needs.ts';
import { MONITORING_KINDS } from '../services/catalog.ts';
import { GENERATED_NOTE, type OnceCommand, type Part, secretRef, type VmFile } from '../baseline/parts.ts';
import { convergeModel, type PartsOf, type VmModel } from '../baseline/vm-model.ts';
import { GLOBAL_ZONE, icingaString as q, MASTER_ZONE, renderIcinga2 } from './icinga2.ts';
import { API_USER, icingawebPart } from './icingaweb.ts';
import { monitoringNodes } from './model.ts';

/** Where converge stages the configuration (laid out as under /etc/icinga2) before it is checked and deployed. */
export const ICINGA2_STAGE = '/var/lib/infra-converge/icinga2';
/** SHA-256 of every deployed file, by path under /etc/icinga2: the artifact's, computed at synth. */
export const ICINGA2_SUMS = '/var/lib/infra-converge/icinga2.sha256';
export const ICINGA2_DEPLOY = '/usr/local/sbin/infra-icinga2-deploy';
const CERTS = '/var/lib/icinga2/certs';
const CA = '/var/lib/icinga2/ca/ca.crt';
/** The port of Icinga's API: the catalog's (services/kinds/icinga2-*.ts). */
const API_PORT = '5665';

/** Where each file of artifacts/icinga2/ goes under /etc/icinga2: commands for every node, objects for the master. */
export function deployedPath(artifact: string): string {
  if (artifact === 'zones.conf') return artifact;
  if (artifact === 'commands.conf') return `zones.d/${GLOBAL_ZONE}/${artifact}`;
  return `zones.d/${MASTER_ZONE}/${artifact}`;
}

/** The node's whole icinga2.conf: Debian's examples in conf.d/ are not loaded, the features from their live place. */
function icinga2Conf(): string {
  return [
    `// ${GENERATED_NOTE}`,
    '// Relative includes resolve beside this file, so the staged copy is checked with the staged files.',
    'include "constants.conf"',
    'include "zones.conf"',
    'include <itl>',
    'include <plugins>',
    'include <plugins-contrib>',
    'include <manubulon>',
    'include <windows-plugins>',
    'include <nscp>',
    'include "/etc/icinga2/features-enabled/*.conf"',
    '',
  ].join('\n');
}

/** The node's name (its FQDN: the name in its certificate) and zone; the salt lives in api.conf, not here. */
function constantsConf(fqdn: string, zone: string): string {
  return [
    `// ${GENERATED_NOTE}`,
    'const PluginDir = "/usr/lib/nagios/plugins"',
    'const ManubulonPluginDir = "/usr/lib/nagios/plugins"',
    'const PluginContribDir = "/usr/lib/nagios/plugins"',
    `const NodeName = ${q(fqdn)}`,
    `const ZoneName = ${q(zone)}`,
    'const TicketSalt = ""',
    '',
  ].join('\n');
}

/** A satellite's zones.conf: its parent (which connects to it), itself, the global zone. */
function satelliteZones(master: { fqdn: string }, sat: { name: string; fqdn: string }): string {
  const block = (head: string, body: string[]): string =>
    `${head} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
  return [
    `// ${GENERATED_NOTE}`,
    '// The master connects to this satellite; the satellite never connects out.',
    block(`object Endpoint ${q(master.fqdn)}`, []),
    block(`object Zone ${q(MASTER_ZONE)}`, [`endpoints = [ ${q(master.fqdn)} ]`]),
    block(`object Endpoint ${q(sat.fqdn)}`, []),
    block(`object Zone ${q(sat.name)}`, [`endpoints = [ ${q(sat.fqdn)} ]`, `parent = ${q(MASTER_ZONE)}`]),
    block(`object Zone ${q(GLOBAL_ZONE)}`, ['global = true']),
  ].join('\n');
}

/**
 * The API listener: the master signs requests whose ticket matches its salt, and lets Icinga Web 2 in as its
 * ApiUser (monitoring/icingaweb.ts); a satellite takes config and commands.
 */
function apiConf(master: { salt: string; apiPassword: string } | undefined): string {
  const block = (head: string, body: readonly string[]): string =>
    `${head} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
  if (!master)
    return `// ${GENERATED_NOTE}\n${block('object ApiListener "api"', ['accept_config = true', 'accept_commands = true'])}`;
  return [
    `// ${GENERATED_NOTE}`,
    block('object ApiListener "api"', [
      'accept_config = false',
      'accept_commands = false',
      `ticket_salt = "${master.salt}"`,
    ]),
    block(`object ApiUser ${q(API_USER)}`, [
      `password = "${master.apiPassword}"`,
      'permissions = [ "status/query", "actions/*", "objects/modify/*", "objects/query/*" ]',
    ]),
  ].join('\n');
}

/** features-available/api.conf: on the master a template of the store's salt and API password. */
function apiFile(master: { salt: string; apiPassword: string } | undefined): VmFile {
  return {
    path: '/etc/icinga2/features-available/api.conf',
    content: apiConf(
      master ? { salt: secretRef(master.salt), apiPassword: secretRef(master.apiPassword) } : undefined,
    ),
    permissions: '0640',
    owner: 'root:nagios',
    defer: true,
    ...(master ? { secret: true as const } : {}),
    reload: 'restart icinga2',
  };
}

/** The checksum list of the deployed files, as `sha256sum --check` reads it, sorted by path. */
export function checksums(layout: ReadonlyMap<string, string>): string {
  return [...layout.keys()]
    .sort()
    .map((path) => `${createHash('sha256').update(layout.get(path)!).digest('hex')}  ${path}\n`)
    .join('');
}

/**
 * Nothing when /etc/icinga2 holds exactly the staged files (zones.d no more, no less); else the staged files
 * must match the checksums, `icinga2 daemon -C` must accept them as they will load, and only then they replace
 * the live ones (zones.d swapped whole) and icinga2 reloads. Prints only when it deployed.
 */
const DEPLOY_SCRIPT = `#!/bin/sh
# ${GENERATED_NOTE}
# Deploys the Icinga2 configuration converge staged in ${ICINGA2_STAGE}, after icinga2 daemon -C accepted it.
set -eu
stage=${ICINGA2_STAGE}
sums=${ICINGA2_SUMS}
live=/etc/icinga2
listed() { sed -n 's/^[0-9a-f]\\{64\\}  \\(zones\\.d\\/.*\\)$/\\1/p' "$sums" | LC_ALL=C sort; }
present() { if [ -d "$1/zones.d" ]; then (cd "$1" && find zones.d -type f | LC_ALL=C sort); fi; }
matches() { (cd "$1" && sha256sum --check --quiet --strict "$sums" >/dev/null 2>&1) && [ "$(present "$1")" = "$(listed)" ]; }
matches "$live" && exit 0
matches "$stage" || { echo "the staged files in $stage differ from $sums" >&2; exit 1; }
if ! out=$(icinga2 daemon -C -c "$stage/icinga2.conf" -DZonesDir="$stage/zones.d" 2>&1); then
  printf '%s\\n' "$out" | grep -v '/information/' >&2 || true
  echo "icinga2 daemon -C refused the new configuration; the live one stays" >&2
  exit 1
fi
for f in icinga2.conf constants.conf zones.conf; do
  cp -p "$stage/$f" "$live/.$f.new" && mv "$live/.$f.new" "$live/$f"
done
rm -rf "$live/.zones.d.new" "$live/.zones.d.old"
if [ -d "$stage/zones.d" ]; then cp -a "$stage/zones.d" "$live/.zones.d.new"; else mkdir "$live/.zones.d.new"; fi
if [ -d "$live/zones.d" ]; then mv "$live/zones.d" "$live/.zones.d.old"; fi
mv "$live/.zones.d.new" "$live/zones.d"
rm -rf "$live/.zones.d.old"
matches "$live" || { echo "the deployed files differ from $sums" >&2; exit 1; }
if [ -d /run/systemd/system ]; then systemctl try-reload-or-restart icinga2; fi
echo "deployed the generated Icinga2 configuration"
`;

/** A satellite's certificate request: a ticket from the salt (Icinga's PBKDF2-SHA1, 50000 rounds), once. */
const JOIN_SCRIPT = `set -eu
cn=$1
parent=$2
certs=${CERTS}
if [ -s "$certs/ca.crt" ]; then exit 0; fi
ticket=$(CN="$cn" python3 -c 'import hashlib, os; print(hashlib.pbkdf2_hmac("sha1", os.environ["CN"].encode(), os.environ["TICKET_SALT"].encode(), 50000).hex())')
if ! out=$(runuser -u nagios -- icinga2 pki request --host "$parent" --port ${API_PORT} --ticket "$ticket" --key "$certs/$cn.key" --cert "$certs/$cn.crt" --trustedcert "$certs/trusted-parent.crt" --ca "$certs/ca.crt" 2>&1); then
  printf '%s\\n' "$out" | grep -v '/information/' >&2 || true
  echo "the master did not sign the certificate of $cn" >&2
  exit 1
fi
# A daemon already running as this node takes the new certificate now; on the first join the deploy, the
# start and the restart handler that follow start it with the deployed configuration (before the deploy,
# Debian's constants.conf names another node, whose certificate does not exist).
if [ -d /run/systemd/system ] && grep -qxF "const NodeName = \\"$cn\\"" /etc/icinga2/constants.conf 2>/dev/null; then
  systemctl try-restart icinga2
fi
echo "certificate of $cn signed by the master's CA"
`;

const asNagios = (...argv: string[]): string[] => ['runuser', '-u', 'nagios', '--', 'icinga2', ...argv];

/** The staged files, their checksums and the deploy script: the same for master and satellite. */
function stagedFiles(layout: ReadonlyMap<string, string>): VmFile[] {
  const staged: VmFile[] = [...layout].map(([path, content]) => ({
    path: `${ICINGA2_STAGE}/${path}`,
    content,
    permissions: '0640',
    owner: 'root:nagios',
    defer: true,
  }));
  return [
    ...staged,
    { path: ICINGA2_SUMS, content: checksums(layout), permissions: '0644' },
    { path: ICINGA2_DEPLOY, content: DEPLOY_SCRIPT, permissions: '0755' },
  ];
}

/** The node's own key and certificate request (a satellite's certificate is self-signed until it joins). */
function ownKey(fqdn: string, master: boolean): OnceCommand {
  const key = `${CERTS}/${fqdn}.key`;
  const out = master ? ['--csr', `${CERTS}/${fqdn}.csr`] : ['--cert', `${CERTS}/${fqdn}.crt`];
  return {
    name: `Key of ${fqdn} for the Icinga2 API`,
    argv: asNagios('pki', 'new-cert', '--cn', fqdn, '--key', key, ...out),
    creates: key,
  };
}

/** The master's CA and its own certificate signed by it. */
function masterPki(fqdn: string): OnceCommand[] {
  return [
    { name: 'Icinga2 CA of the master', argv: asNagios('pki', 'new-ca'), creates: CA },
    ownKey(fqdn, true),
    {
      name: `Certificate of ${fqdn} signed by the Icinga2 CA`,
      argv: asNagios('pki', 'sign-csr', '--csr', `${CERTS}/${fqdn}.csr`, '--cert', `${CERTS}/${fqdn}.crt`),
      creates: `${CERTS}/${fqdn}.crt`,
    },
    {
      name: 'The CA certificate beside the own one',
      argv: ['install', '-o', 'nagios', '-g', 'nagios', '-m', '0644', CA, `${CERTS}/ca.crt`],
      creates: `${CERTS}/ca.crt`,
    },
  ];
}

const ENABLE_API: OnceCommand = {
  name: 'Enable the Icinga2 API feature',
  argv: ['icinga2', 'feature', 'enable', 'api'],
  creates: '/etc/icinga2/features-enabled/api.conf',
};

/** What the nodes' parts read of the whole organisation, worked out once for all VMs (vmConvergeModels). */
export interface Icinga2Context {
  readonly nodes: ReturnType<typeof monitoringNodes>;
  /** renderIcinga2's files, when the caller has them already. */
  readonly files?: ReadonlyMap<string, string>;
}

/** What an Icinga2 node needs on the VM (the master or a satellite), or an empty list for any other VM. */
export function icinga2NodeParts(model: Model, vm: Vm, context?: Icinga2Context): Part[] {
  const own = (model.services.onVm.get(vm.name) ?? []).find((i) =>
    MONITORING_KINDS.some((k) => k === i.kind),
  );
  if (!own) return [];
  const monitoring = context?.nodes ?? monitoringNodes(model);
  const master = monitoring.master;
  if (!master) return [];
  const isMaster = own.kind === MONITORING_KINDS[0];
  const sat = monitoring.satellites.find((s) => s.name === vm.name);
  if (!isMaster && !sat) return [];
  const fqdn = isMaster ? master.fqdn : sat!.fqdn;
  const layout = new Map<string, string>([
    ['icinga2.conf', icinga2Conf()],
    ['constants.conf', constantsConf(fqdn, isMaster ? MASTER_ZONE : sat!.name)],
  ]);
  if (isMaster)
    for (const [name, text] of context?.files ?? renderIcinga2(model)) layout.set(deployedPath(name), text);
  else layout.set('zones.conf', satelliteZones(master, sat!));
  const masterInstance = model.services.instances.find(
    (i) => i.vm.name === master.name && i.kind === MONITORING_KINDS[0],
  )!;
  const scope = instanceScope(model, masterInstance);
  const salt = secretKey({ scope, name: 'ticket-salt' });
  const api = apiFile(
    isMaster ? { salt, apiPassword: secretKey({ scope, name: 'api-password' }) } : undefined,
  );
  const once = isMaster
    ? [...masterPki(fqdn), ENABLE_API]
    : [
        ownKey(fqdn, false),
        {
          // Trust on first use: the master's certificate as it answers now (the ticket proves only the satellite).
          name: `Certificate of the Icinga2 master ${master.fqdn}`,
          argv: asNagios(
            'pki',
            'save-cert',
            '--host',
            master.address,
            '--port',
            API_PORT,
            '--trustedcert',
            `${CERTS}/trusted-parent.crt`,
          ),
          creates: `${CERTS}/trusted-parent.crt`,
        },
        ENABLE_API,
      ];
  const join = isMaster
    ? []
    : [
        {
          name: `Certificate of ${fqdn} from the master's CA (ticket from the store's salt)`,
          argv: ['sh', '-c', JOIN_SCRIPT, 'join', fqdn, master.address],
          secretEnv: { TICKET_SALT: salt },
        },
      ];
  return [
    {
      name: `icinga2: ${isMaster ? 'master' : 'satellite'} ${fqdn}, configuration checked by icinga2 daemon -C before it is deployed, API certificates from the master's CA`,
      files: [...stagedFiles(layout), api],
      directories: [{ path: CERTS, mode: '0700', owner: 'nagios:nagios' }],
      once,
      // Started after the deploy, so its first start reads the deployed configuration.
      services: ['icinga2'],
      commands: [
        ...join,
        {
          name: 'Deploy the staged Icinga2 configuration once icinga2 daemon -C accepts it',
          argv: [ICINGA2_DEPLOY],
        },
      ],
      convergeOnly: true,
    },
  ];
}

/**
 * What the playbook keeps on a VM: the baseline's parts and, on the monitoring VMs, the Icinga2 node's (and
 * on the master Icinga Web 2 with the IDO). `partsOf` as for convergeModel.
 */
export function vmConvergeModel(model: Model, vm: Vm, context?: Icinga2Context, partsOf?: PartsOf): VmModel {
  const web = icingawebPart(model, vm);
  const more = [...icinga2NodeParts(model, vm, context), ...(web ? [web] : [])];
  return convergeModel(model, vm, more, partsOf);
}

/** The same for many VMs, with the organisation-wide part worked out once (synth stays linear in the VMs). */
export function vmConvergeModels(
  model: Model,
  vms: readonly Vm[],
  files?: ReadonlyMap<string, string>,
  partsOf?: PartsOf,
): VmModel[] {
  return [...eachVmConvergeModel(model, vms, files, partsOf)];
}

/** The same, one VM at a time as they are asked for, so a caller can let each go once it is rendered. */
export function* eachVmConvergeModel(
  model: Model,
  vms: readonly Vm[],
  files?: ReadonlyMap<string, string>,
  partsOf?: PartsOf,
): Generator<VmModel> {
  const context: Icinga2Context = { nodes: monitoringNodes(model), ...(files ? { files } : {}) };
  for (const vm of vms) yield vmConvergeModel(model, vm, context, partsOf);
}
