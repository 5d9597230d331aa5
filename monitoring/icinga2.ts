// Renders the Icinga2 master's configuration (hosts, checks, groups, commands, zones) from the inventory.
import type { Inventory } from '../inventory/inventory.ts';
import type { Model } from '../model/derive.ts';
import {
  type CheckSpec,
  type MonitoredHost,
  type MonitoredService,
  type MonitoringModel,
  monitoringModel,
} from './model.ts';
import { renderUsers } from './users.ts';

/** Where the master keeps the key check_by_ssh uses; its public half is `monitoring.ssh_key` in org.yaml. */
export const SSH_IDENTITY = '/var/lib/nagios/.ssh/id_ed25519';
/** Certificate expiry thresholds in days: warn three weeks ahead (certbot renews at 30), critical at one. */
const CERT_WARN = 21;
const CERT_CRIT = 7;

/** Runtime macros for the checked host's addresses (a Service object cannot refer to `host` directly). */
const V6 = '"$address6$"';
const V4 = '"$host.vars.ipv4$"';

/**
 * An Icinga2 string literal. Icinga2's lexer knows `\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f` and three-digit
 * octal escapes, but not JSON's `\u0000` (an unknown escape is a configuration error); every other control
 * character is written in octal. `$` is doubled so a value is never read as a runtime macro.
 */
export function icingaString(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const escaped = text.replace(/[\\"\u0000-\u001f\u007f$]/g, (c) => {
    if (c === '$') return '$$';
    if (c === '"' || c === '\\') return `\\${c}`;
    const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };
    return named[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
  });
  return `"${escaped}"`;
}

const q = icingaString;

/** The master's zone; each satellite's zone is named after its VM. */
export const MASTER_ZONE = 'master';
/** The global zone every node loads: templates and commands the satellites need to run checks for the master. */
export const GLOBAL_ZONE = 'global-templates';

function list(items: readonly string[]): string {
  return items.length === 0 ? '[]' : `[ ${items.map(q).join(', ')} ]`;
}

function block(head: string, body: readonly string[]): string {
  return body.length === 0 ? `${head} {\n}\n` : `${head} {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
}

/** The attributes that make a check, for a Service object or an apply rule. */
function checkBody(check: CheckSpec): string[] {
  switch (check.type) {
    case 'ssh':
      return ['import "over-ssh"', `vars.by_ssh_command = ${list(check.command)}`];
    case 'sshd':
      return ['check_command = "ssh"', `vars.ssh_address = ${V6}`];
    case 'tcp':
      return [
        'check_command = "tcp"',
        `vars.tcp_port = ${check.port}`,
        check.ipv4 ? `vars.tcp_address = ${V4}` : `vars.tcp_address = ${V6}`,
      ];
    case 'https': {
      const lines = [
        'check_command = "http"',
        `vars.http_vhost = ${q(check.vhost)}`,
        check.viaHost ? `vars.http_address = ${V6}` : `vars.http_address = ${q(check.vhost)}`,
        'vars.http_ssl = true',
        'vars.http_sni = true',
      ];
      if (check.port) lines.push(`vars.http_port = ${check.port}`);
      if (check.certificate) lines.push(`vars.http_certificate = "${CERT_WARN},${CERT_CRIT}"`);
      else {
        lines.push(`vars.http_uri = ${q(check.path)}`);
        if (check.expect) lines.push(`vars.http_string = ${q(check.expect)}`);
      }
      lines.push(check.ipv4 ? 'vars.http_ipv4 = true' : 'vars.http_ipv6 = true');
      return lines;
    }
    case 'tls': {
      const lines = [
        `check_command = ${q(check.starttls === 'xmpp' ? 'xmpp_cert' : 'ssl_cert')}`,
        `vars.ssl_cert_address = ${V6}`,
        `vars.ssl_cert_port = ${check.port}`,
        `vars.ssl_cert_cn = ${q(check.host)}`,
        `vars.ssl_cert_warn = ${CERT_WARN}`,
        `vars.ssl_cert_critical = ${CERT_CRIT}`,
      ];
      if (check.starttls === 'xmpp') {
        lines.push('vars.ssl_cert_protocol = "xmpp"', `vars.xmpp_host = ${q(check.host)}`);
        if (check.port === 5269) lines[lines.length - 2] = 'vars.ssl_cert_protocol = "xmpp-server"';
      } else if (check.starttls === 'smtp') lines.push('vars.ssl_cert_protocol = "smtp"');
      else lines.push(`vars.ssl_cert_sni = ${q(check.host)}`);
      return lines;
    }
    case 'dns':
      return [
        'check_command = "dig"',
        `vars.dig_lookup = ${q(check.lookup)}`,
        `vars.dig_record_type = ${q(check.record)}`,
        check.ipv4 ? 'vars.dig_ipv4 = true' : 'vars.dig_ipv6 = true',
        check.ipv4 ? `vars.dig_server = ${V4}` : `vars.dig_server = ${V6}`,
      ];
    case 'smtp':
      return [
        'check_command = "smtp"',
        `vars.smtp_port = ${check.port}`,
        check.ipv4 ? `vars.smtp_address = ${V4}` : `vars.smtp_address = ${V6}`,
      ];
  }
}

function hostObject(h: MonitoredHost): string {
  const lines = [
    `import ${q(h.kind === 'node' ? 'proxmox-node' : 'vm')}`,
    `display_name = ${q(h.displayName)}`,
    ...(h.address6 ? [`address6 = ${q(h.address6)}`] : []),
    ...(h.address4 ? [`address = ${q(h.address4)}`, `vars.ipv4 = ${q(h.address4)}`] : []),
    `check_command = ${q(h.address6 ? 'hostalive6' : 'hostalive4')}`,
    `vars.site = ${q(h.site)}`,
    `vars.cluster = ${q(h.cluster)}`,
    `vars.over_ssh = ${h.overSsh}`,
    `vars.backup = ${h.backup}`,
    ...(h.runbooks.length > 0 ? [`notes = ${q(`Runbook: ${h.runbooks.join(', ')}`)}`] : []),
    `vars.services = ${list(h.services)}`,
    `groups = ${list(h.groups)}`,
  ];
  return block(`object Host ${q(h.name)}`, lines);
}

function serviceObject(s: MonitoredService, model: MonitoringModel, hostSite: string): string {
  const lines = [`host_name = ${q(s.host)}`, ...checkBody(s.check), `groups = ${list([`kind-${s.kind}`])}`];
  if (s.outside && model.master) {
    // Checks of public names run on a satellite in another site, so they see what the Internet sees.
    const satellite = model.satellites.find((x) => x.site !== hostSite) ?? model.satellites[0];
    if (satellite) lines.push(`command_endpoint = ${q(satellite.fqdn)}`, `zone = ${q(MASTER_ZONE)}`);
  }
  return block(`object Service ${q(s.check.name)}`, lines);
}

function applyRule(name: string, check: CheckSpec, assign: string): string {
  return block(`apply Service ${q(name)}`, [...checkBody(check), `assign where ${assign}`]);
}

function commandsConf(inventory: Inventory): string {
  const user = inventory.org.monitoring?.user ?? 'monitoring';
  return [
    '// Templates and commands of the checks. VMs are checked with check_by_ssh: no agent, no PKI on them.',
    block('template Host "vm"', ['check_interval = 1m', 'retry_interval = 30s', 'max_check_attempts = 3']),
    block('template Host "proxmox-node"', [
      'check_interval = 1m',
      'retry_interval = 30s',
      'max_check_attempts = 3',
    ]),
    block('template Service "over-ssh"', [
      'check_command = "by_ssh"',
      `vars.by_ssh_logname = ${q(user)}`,
      `vars.by_ssh_identity = ${q(SSH_IDENTITY)}`,
      'vars.by_ssh_options = [ "StrictHostKeyChecking=accept-new", "ConnectTimeout=10" ]',
      `vars.by_ssh_address = ${V6}`,
      'vars.by_ssh_ipv6 = true',
      'vars.by_ssh_timeout = 30',
    ]),
    '// check_ssl_cert for XMPP needs the XMPP domain in the stream header, which the ITL does not pass.',
    block('object CheckCommand "xmpp_cert"', [
      'import "ssl_cert"',
      'arguments += {',
      '  "--xmpphost" = {',
      '    value = "$xmpp_host$"',
      '    description = "XMPP domain for the to attribute of the stream"',
      '  }',
      '}',
    ]),
  ].join('\n');
}

function zonesConf(model: MonitoringModel): string {
  if (!model.master) return '// No VM runs icinga2-master: no zones.\n';
  const parts = [
    '// The master schedules every check; satellites run the checks of public names from another site.',
    block(`object Endpoint ${q(model.master.fqdn)}`, []),
    block(`object Zone ${q(MASTER_ZONE)}`, [`endpoints = ${list([model.master.fqdn])}`]),
    '// commands.conf goes to every node through this zone (zones.d/global-templates/ on the master).',
    block(`object Zone ${q(GLOBAL_ZONE)}`, ['global = true']),
  ];
  for (const s of model.satellites) {
    parts.push(
      // The master connects to the satellite, so only the satellite's port 5665 must be open.
      block(`object Endpoint ${q(s.fqdn)}`, [`host = ${q(s.address)}`]),
      block(`object Zone ${q(s.name)}`, [`endpoints = ${list([s.fqdn])}`, `parent = ${q(MASTER_ZONE)}`]),
    );
  }
  return parts.join('\n');
}

function groupsConf(inventory: Inventory, model: MonitoringModel): string {
  const groups = new Map<string, string>();
  for (const site of inventory.sites) groups.set(`site-${site.name}`, `Site ${site.name} (${site.location})`);
  for (const cluster of inventory.clusters) groups.set(`cluster-${cluster.name}`, `Cluster ${cluster.name}`);
  groups.set('proxmox-nodes', 'Proxmox VE nodes');
  groups.set('debian-vms', 'Debian VMs (baseline)');
  groups.set('other-vms', 'VMs without the Debian baseline');
  for (const h of model.hosts)
    for (const g of h.groups) if (g.startsWith('service-')) groups.set(g, `Service ${g.slice(8)}`);
  const used = new Set(model.hosts.flatMap((h) => h.groups));
  const hostGroups = [...groups]
    .filter(([name]) => used.has(name))
    .map(([name, display]) => block(`object HostGroup ${q(name)}`, [`display_name = ${q(display)}`]));
  const kinds = [...new Set(model.services.map((s) => s.kind))].sort();
  const serviceGroups = kinds.map((k) =>
    block(`object ServiceGroup ${q(`kind-${k}`)}`, [`display_name = ${q(`Checks of ${k}`)}`]),
  );
  return [
    '// Host groups by site, cluster and service; service groups by the kind of service checked.',
    ...hostGroups,
    ...serviceGroups,
  ].join('\n');
}

/** Every configuration file of the master, by file name (conf.d/ and zones.conf of /etc/icinga2). */
export function renderIcinga2(
  derived: Model,
  model: MonitoringModel = monitoringModel(derived),
): Map<string, string> {
  const { inventory } = derived;
  const siteOf = new Map(model.hosts.map((h) => [h.name, h.site]));
  const header = (what: string): string =>
    `// ${what}\n// Generated from the inventory by monitoring/ (infra repository); local edits are overwritten.\n\n`;
  const files = new Map<string, string>();
  files.set('commands.conf', header('Templates and commands.') + commandsConf(inventory));
  files.set('groups.conf', header('Host and service groups.') + groupsConf(inventory, model));
  files.set(
    'hosts.conf',
    header('One host per VM and per Proxmox node.') + model.hosts.map(hostObject).join('\n'),
  );
  const baseline = model.baseline.map((b) => applyRule(b.name, b.check, b.assign));
  const own = model.services.map((s) => serviceObject(s, model, siteOf.get(s.host) ?? ''));
  files.set(
    'services.conf',
    header("The baseline checks of every host (apply rules), then each service instance's own checks.") +
      [...baseline, ...own].join('\n'),
  );
  files.set('zones.conf', header('Zones and endpoints.') + zonesConf(model));
  const users = renderUsers(inventory);
  if (users)
    files.set(
      'users.conf',
      header('On-call members (members.yaml, roles.yaml) and their notifications.') + users,
    );
  return files;
}

/** How many hosts and service checks the configuration defines, for the synth summary. */
export function icingaCounts(model: MonitoringModel): { hosts: number; services: number } {
  const applied = model.baseline.reduce(
    (sum, b) => sum + model.hosts.filter((h) => b.appliesTo(h)).length,
    0,
  );
  return { hosts: model.hosts.length, services: applied + model.services.length };
}
