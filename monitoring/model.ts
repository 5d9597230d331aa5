// What the monitoring watches, derived from the inventory and the catalog: hosts, and the checks on each.
import { LAST_BACKUP_FILE } from '../baseline/backup.ts';
import { CONSUMER_TLS, vmCertificates } from '../baseline/certificates.ts';
import { LOCAL_PLUGINS } from '../baseline/monitoring.ts';
import { fqdn } from '../inventory/names.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { factsOf, type Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { MONITORING_KINDS } from '../services/catalog.ts';
import type { ServiceInstance, VmAddresses } from '../services/instances.ts';
import { isSinglePort, type PortRange } from '../inventory/ports.ts';
import type { ExtraCheck } from '../services/types.ts';

export const PLUGIN_DIR = '/usr/lib/nagios/plugins';

export interface MonitoredHost {
  /** Object name: the VM or node name. */
  readonly name: string;
  readonly displayName: string;
  readonly address6?: string;
  /** A public IPv4 address, when the host has one. */
  readonly address4?: string;
  readonly kind: 'vm' | 'node';
  readonly site: string;
  readonly cluster: string;
  /** Checks over SSH run on it (Debian VMs and Proxmox nodes). */
  readonly overSsh: boolean;
  /** borgmatic runs on it, so the age of its last backup is checked. */
  readonly backup: boolean;
  /** The runbooks of what runs on it by hand (os: other), for whoever answers its alerts. */
  readonly runbooks: readonly string[];
  readonly services: readonly string[];
  readonly groups: readonly string[];
}

/** A check run from the monitoring servers against the network, or on the host over SSH. */
export type CheckSpec =
  | {
      readonly type: 'https';
      readonly name: string;
      readonly vhost: string;
      readonly path: string;
      readonly expect?: string;
      readonly port?: number;
      /** Only the certificate's expiry, not the page. */
      readonly certificate?: boolean;
      readonly ipv4?: boolean;
      /** Connect to the host's own address instead of resolving the name (Proxmox nodes). */
      readonly viaHost?: boolean;
    }
  | { readonly type: 'tcp'; readonly name: string; readonly port: number; readonly ipv4?: boolean }
  // The catalog's own extra checks, run from outside; DNS and SMTP also once over IPv4 where it applies.
  | Extract<ExtraCheck, { type: 'tls' }>
  | (Extract<ExtraCheck, { type: 'dns' | 'smtp' }> & { readonly ipv4?: boolean })
  | { readonly type: 'ssh'; readonly name: string; readonly command: readonly string[] }
  /** The SSH daemon's banner, from the monitoring server. */
  | { readonly type: 'sshd'; readonly name: string };

export interface MonitoredService {
  readonly host: string;
  readonly check: CheckSpec;
  /** Run from a satellite in another site (checks of public names and ports), or from the master. */
  readonly outside: boolean;
  /** The instance it belongs to, e.g. `gitea`; used for service groups. */
  readonly kind: string;
}

/** A check applied to every host that matches, written once as an Icinga apply rule. */
export interface BaselineCheck {
  readonly name: string;
  readonly check: CheckSpec;
  /** Which hosts get it, as a function (for the counts) and as the Icinga `assign where` expression. */
  readonly appliesTo: (host: MonitoredHost) => boolean;
  readonly assign: string;
}

export interface MonitoringModel {
  readonly hosts: readonly MonitoredHost[];
  readonly baseline: readonly BaselineCheck[];
  readonly services: readonly MonitoredService[];
  /** Master and satellite VMs (their FQDNs are the Icinga endpoint names). */
  readonly master?: { readonly name: string; readonly fqdn: string; readonly address: string };
  readonly satellites: readonly {
    readonly name: string;
    readonly fqdn: string;
    readonly address: string;
    readonly site: string;
  }[];
}

const plugin = (name: string, ...args: string[]): string[] => [`${PLUGIN_DIR}/${name}`, ...args];

/** The uniform checks of the baseline: every Debian VM and every Proxmox node gets them. */
export const BASELINE_CHECKS: readonly BaselineCheck[] = [
  {
    name: 'disk',
    check: {
      type: 'ssh',
      name: 'disk',
      command: plugin(
        'check_disk',
        '-w',
        '15%',
        '-c',
        '5%',
        '-W',
        '15%',
        '-K',
        '5%',
        '-l',
        '-X',
        'tmpfs',
        '-X',
        'devtmpfs',
        '-X',
        'overlay',
        '-X',
        'squashfs',
        '-X',
        'efivarfs',
      ),
    },
    appliesTo: (h) => h.overSsh,
    assign: 'host.vars.over_ssh',
  },
  {
    name: 'load',
    check: {
      type: 'ssh',
      name: 'load',
      command: plugin('check_load', '-r', '-w', '2,1.5,1.2', '-c', '4,3,2'),
    },
    appliesTo: (h) => h.overSsh,
    assign: 'host.vars.over_ssh',
  },
  {
    // Security updates pending are critical: unattended-upgrades should have installed them overnight.
    name: 'apt',
    check: { type: 'ssh', name: 'apt', command: plugin('check_apt') },
    appliesTo: (h) => h.overSsh,
    assign: 'host.vars.over_ssh',
  },
  {
    name: 'systemd',
    check: { type: 'ssh', name: 'systemd', command: plugin('check_systemd') },
    appliesTo: (h) => h.overSsh,
    assign: 'host.vars.over_ssh',
  },
  {
    name: 'ntp',
    check: { type: 'ssh', name: 'ntp', command: [`${LOCAL_PLUGINS}/check_timesync`] },
    appliesTo: (h) => h.overSsh,
    assign: 'host.vars.over_ssh',
  },
  {
    name: 'ssh',
    check: { type: 'sshd', name: 'ssh' },
    appliesTo: () => true,
    assign: 'true',
  },
  {
    // 30 hours: one missed night warns; 50 hours: two missed nights are critical.
    name: 'backup age',
    check: {
      type: 'ssh',
      name: 'backup age',
      command: plugin('check_file_age', '-f', LAST_BACKUP_FILE, '-w', '108000', '-c', '180000'),
    },
    appliesTo: (h) => h.backup,
    assign: 'host.vars.backup',
  },
];

/** The port of a single-port spec; a range (media relays) gets no TCP check. */
function portNumber(port: PortRange): number | undefined {
  return isSinglePort(port) ? port.from : undefined;
}

type InstanceCheck = { check: CheckSpec; outside: boolean };
type Addresses = VmAddresses;

/** A web service's pages (over IPv6, and IPv4 where it has it) and certificates, and a proxied backend. */
function webChecks(i: ServiceInstance, a: Addresses): InstanceCheck[] {
  const web = i.def.web;
  if (!web) return [];
  const out: InstanceCheck[] = [];
  // Proxied names resolve to the proxies, which have IPv4; a self-hosted name has what its VM has.
  const v4 = web.tls === 'proxy' || a.publicIpv4.length > 0;
  for (const name of i.ctx.webNames) {
    const page = {
      type: 'https' as const,
      vhost: name,
      path: web.health.path,
      ...(web.health.expect ? { expect: web.health.expect } : {}),
    };
    out.push({ check: { ...page, name: `https ${name}` }, outside: true });
    if (v4) out.push({ check: { ...page, name: `https ${name} over IPv4`, ipv4: true }, outside: true });
    out.push({
      check: { type: 'https', name: `certificate ${name}`, vhost: name, path: '/', certificate: true },
      outside: true,
    });
  }
  if (web.tls === 'proxy') {
    // The backend itself, on the VM, so a broken backend and a broken proxy look different.
    const name = i.ctx.webNames[0] ?? i.ctx.fqdn;
    const args = ['-I', '127.0.0.1', '-H', name, '-p', String(web.port), '-u', web.health.path];
    if (web.health.expect) args.push('-s', web.health.expect);
    out.push({
      check: { type: 'ssh', name: `${i.kind} backend`, command: plugin('check_http', ...args) },
      outside: false,
    });
  }
  return out;
}

/** TCP ports other than the web port and sshd: public ones from outside, the others over SSH on the VM. */
function portChecks(i: ServiceInstance, a: Addresses): InstanceCheck[] {
  const out: InstanceCheck[] = [];
  const overSsh = i.vm.os !== 'other';
  for (const p of i.def.ports) {
    const port = portNumber(p.port);
    if (port === undefined || p.proto !== 'tcp' || p.sshd || port === i.def.web?.port) continue;
    if (p.reach === 'public') {
      out.push({ check: { type: 'tcp', name: `${i.kind} ${port}/tcp`, port }, outside: true });
      if (p.ipv4 && a.publicIpv4.length > 0)
        out.push({
          check: { type: 'tcp', name: `${i.kind} ${port}/tcp over IPv4`, port, ipv4: true },
          outside: true,
        });
    } else if (overSsh) {
      out.push({
        check: {
          type: 'ssh',
          name: `${i.kind} ${port}/tcp`,
          command: plugin('check_tcp', '-H', '127.0.0.1', '-p', String(port)),
        },
        outside: false,
      });
    }
  }
  return out;
}

/** One of the kind's own checks: local ones over SSH, the others from outside (and over IPv4 for DNS, SMTP). */
function extraCheck(i: ServiceInstance, a: Addresses, extra: ExtraCheck): InstanceCheck[] {
  switch (extra.type) {
    case 'local':
      return i.vm.os !== 'other'
        ? [
            {
              check: { type: 'ssh', name: `${i.kind} ${extra.name}`, command: extra.command },
              outside: false,
            },
          ]
        : [];
    case 'tls':
      return [{ check: { ...extra, name: `${i.kind} ${extra.name}` }, outside: true }];
    case 'dns':
    case 'smtp': {
      const own: InstanceCheck = { check: { ...extra, name: `${i.kind} ${extra.name}` }, outside: true };
      if (a.publicIpv4.length === 0) return [own];
      return [
        own,
        { check: { ...extra, name: `${i.kind} ${extra.name} over IPv4`, ipv4: true }, outside: true },
      ];
    }
  }
}

/** The checks of one service instance: web health and certificates, ports, and the kind's own checks. */
function instanceChecks(model: Model, i: ServiceInstance): InstanceCheck[] {
  const a = factsOf(model, i.vm).addresses;
  return [
    ...webChecks(i, a),
    ...portChecks(i, a),
    ...(i.def.checks?.(i.ctx) ?? []).flatMap((extra) => extraCheck(i, a, extra)),
  ];
}

/** The Proxmox VE nodes as monitored hosts. */
function nodeHosts(inventory: Inventory): MonitoredHost[] {
  return inventory.clusters.flatMap((cluster) =>
    cluster.nodes.map((node): MonitoredHost => ({
      name: node.name,
      displayName: `${node.name} (Proxmox VE node of ${cluster.name})`,
      address6: node.ipv6,
      ...(node.ipv4 ? { address4: node.ipv4 } : {}),
      kind: 'node',
      site: cluster.site,
      cluster: cluster.name,
      overSsh: true,
      backup: false,
      runbooks: [],
      services: [],
      groups: [`site-${cluster.site}`, `cluster-${cluster.name}`, 'proxmox-nodes'],
    })),
  );
}

/** One VM as a monitored host, with the groups its site, cluster, OS and services put it in. */
function vmHost(model: Model, vm: Vm): MonitoredHost {
  const { inventory } = model;
  const { addresses: a, site, backup } = factsOf(model, vm);
  const kinds = [...new Set(vm.services.map((s) => s.kind))];
  const address6 = a.publicIpv6[0] ?? a.ipv6[0];
  const address4 = a.publicIpv4[0];
  return {
    name: vm.name,
    displayName: fqdn(inventory, vm),
    ...(address6 ? { address6 } : {}),
    ...(address4 ? { address4 } : {}),
    kind: 'vm',
    site,
    cluster: vm.cluster,
    overSsh: vm.os !== 'other',
    backup: backup !== undefined,
    runbooks: [
      ...new Set(
        (model.services.onVm.get(vm.name) ?? []).flatMap((i) => (i.def.runbook ? [i.def.runbook] : [])),
      ),
    ],
    services: kinds,
    groups: [
      `site-${site}`,
      `cluster-${vm.cluster}`,
      vm.os === 'other' ? 'other-vms' : 'debian-vms',
      ...kinds.map((k) => `service-${k}`),
    ],
  };
}

/** Each node's Proxmox VE web UI and API, with its certificate. */
function nodeServices(inventory: Inventory): MonitoredService[] {
  return inventory.clusters.flatMap((cluster) =>
    cluster.nodes.flatMap((node): MonitoredService[] => {
      const vhost = node.name;
      return [
        {
          host: node.name,
          kind: 'proxmox',
          outside: false,
          check: { type: 'https', name: 'proxmox api', vhost, path: '/', port: 8006, viaHost: true },
        },
        {
          host: node.name,
          kind: 'proxmox',
          outside: false,
          check: {
            type: 'https',
            name: 'proxmox certificate',
            vhost,
            path: '/',
            port: 8006,
            certificate: true,
            viaHost: true,
          },
        },
      ];
    }),
  );
}

/** The VMs that run a monitoring kind, as the master or the satellites. */
function monitors(model: Model, kind: string) {
  const { inventory } = model;
  return inventory.vms
    .filter((vm) => vm.services.some((s) => s.kind === kind))
    .map((vm) => {
      const { addresses: a, site } = factsOf(model, vm);
      return {
        name: vm.name,
        fqdn: fqdn(inventory, vm),
        address: a.publicIpv6[0] ?? a.ipv6[0] ?? a.ipv4[0] ?? '',
        site,
      };
    });
}

/**
 * The expiry of every certificate certbot keeps, per name and per VM that serves it (each proxy of a pair is
 * asked for its own copy), unless the kind's own TLS checks already ask that VM for that name.
 */
function certificateChecks(model: Model, already: readonly MonitoredService[]): MonitoredService[] {
  const covered = new Set(
    already.flatMap((s) => (s.check.type === 'tls' ? [`${s.host} ${s.check.host}`] : [])),
  );
  return model.inventory.vms.flatMap((vm) =>
    vm.os === 'other'
      ? []
      : vmCertificates(model, vm)
          .filter((c) => !covered.has(`${vm.name} ${c.name}`))
          .map((c): MonitoredService => {
            const consumer = c.consumers[0]!;
            const { port, starttls } = CONSUMER_TLS[consumer];
            return {
              host: vm.name,
              kind: c.kinds[0]!,
              outside: true,
              check: {
                type: 'tls',
                name: `${consumer} certificate ${c.name}`,
                host: c.name,
                port,
                ...(starttls ? { starttls } : {}),
              },
            };
          }),
  );
}

/** The master and the satellites alone, without the checks: what the Icinga2 nodes' own configuration needs. */
export function monitoringNodes(model: Model): Pick<MonitoringModel, 'master' | 'satellites'> {
  const [master] = monitors(model, MONITORING_KINDS[0]);
  return { ...(master ? { master } : {}), satellites: monitors(model, MONITORING_KINDS[1]) };
}

export function monitoringModel(model: Model): MonitoringModel {
  const { inventory } = model;
  const { instances } = model.services;
  const hosts = [...nodeHosts(inventory), ...inventory.vms.map((vm) => vmHost(model, vm))];
  const services: MonitoredService[] = [
    ...nodeServices(inventory),
    ...instances.flatMap((i) =>
      instanceChecks(model, i).map(({ check, outside }) => ({
        host: i.vm.name,
        kind: i.kind,
        outside,
        check,
      })),
    ),
  ];
  services.push(...certificateChecks(model, services));
  return { hosts, baseline: BASELINE_CHECKS, services, ...monitoringNodes(model) };
}
