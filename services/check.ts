// Checks the inventory against the service catalog: kinds, parameters, dependencies, ports, proxies, names,
// addresses and reboot turns. Findings are located in the YAML like every other inventory finding.
import type { InventoryFile } from '../inventory/crosscheck.ts';
import type { Finding, Path } from '../inventory/findings.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { closest } from '../inventory/issues.ts';
import { contains, type Family, parseAddress, parsePrefix } from '../inventory/net.ts';
import { rebootSchedule } from '../inventory/reboots.ts';
import type { SourceFile } from '../inventory/source.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { BACKUP_REPO_KIND, CATALOG, DATABASE_KIND, JUMP_KIND, MONITORING_KINDS } from './catalog.ts';
import { proxiesFor, type ServiceInstance, serviceInstances, vmAddresses, vmSite } from './instances.ts';
import { databaseInAnotherSite } from './rules/database-in-another-site.ts';
import type { PortSpec } from './types.ts';

type Report = (file: InventoryFile, path: Path, message: string, key?: boolean) => void;

interface Claim {
  readonly proto: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
  /** Who claims it, for the message: `gitea (services[0])`. */
  readonly who: string;
  readonly path: Path;
  readonly sshd: boolean;
}

const portText = (c: { proto: string; from: number; to: number }): string =>
  `${c.from === c.to ? c.from : `${c.from}-${c.to}`}/${c.proto}`;

function range(port: PortSpec['port']): [number, number] {
  return typeof port === 'number' ? [port, port] : [port[0], port[1]];
}

function covered(address: string, prefixes: readonly string[]): boolean {
  const family: Family = address.includes(':') ? 6 : 4;
  const value = parseAddress(address, family);
  if (value === undefined) return false;
  return prefixes.some((p) => {
    const prefix = parsePrefix(p, family);
    return prefix !== undefined && contains(prefix, value);
  });
}

export function catalogCheck(inv: Inventory, sources: ReadonlyMap<InventoryFile, SourceFile>): Finding[] {
  const findings: Finding[] = [];
  const at =
    (severity: Finding['severity']): Report =>
    (file, path, message, key = false) => {
      const source = sources.get(file);
      if (source) findings.push(source.finding(severity, path, message, key));
    };
  const error = at('error');
  const warning = at('warning');
  const known = [...CATALOG.keys()].sort();
  const kindPath = (vi: number, si: number): Path => ['vms', vi, 'services', si, 'kind'];

  // Kinds and parameters, as written.
  inv.vms.forEach((vm, vi) => {
    const seen = new Map<string, number>();
    vm.services.forEach((entry, si) => {
      const def = CATALOG.get(entry.kind);
      if (!def) {
        const guess = closest(entry.kind, known);
        error(
          'vms',
          kindPath(vi, si),
          `unknown service kind "${entry.kind}"; ${guess ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`}`,
        );
        return;
      }
      const first = seen.get(entry.kind);
      if (first !== undefined)
        error(
          'vms',
          kindPath(vi, si),
          `"${entry.kind}" is listed twice (first at services[${first}]); expected it once`,
        );
      else seen.set(entry.kind, si);
      for (const key of Object.keys(entry)) {
        if (key === 'kind' || (def.params as readonly string[]).includes(key)) continue;
        const guess = closest(key, def.params);
        const takes = def.params.length > 0 ? `it takes ${def.params.join(', ')}` : 'it takes no parameters';
        error(
          'vms',
          ['vms', vi, 'services', si, key],
          `${def.kind} has no parameter "${key}"; ${guess ? `did you mean "${guess}"?` : takes}`,
          true,
        );
      }
      // A warning, not an error: the cluster stacks boot Debian images only, so the example keeps BBB on Debian.
      if (def.notDebian && vm.os !== 'other')
        warning(
          'vms',
          kindPath(vi, si),
          `${def.kind} is not installable on ${vm.os} (${def.notDebian}); cloud-init installs nothing for it, expected os: other`,
        );
      else if (!def.notDebian && vm.os === 'other')
        warning(
          'vms',
          kindPath(vi, si),
          `${def.kind} runs on an os: other VM, which gets no Debian baseline: cloud-init installs nothing for it`,
        );
    });
  });

  const instances = serviceInstances(inv);
  const byName = new Map(inv.vms.map((vm) => [vm.name, vm]));
  const runs = (vm: Vm | undefined, kind: string): boolean =>
    vm?.services.some((s) => s.kind === kind) ?? false;
  const runningAnywhere = new Set(inv.vms.flatMap((vm) => vm.services.map((s) => s.kind)));

  for (const i of instances) {
    const here = kindPath(i.vmIndex, i.index);
    // Dependencies.
    for (const dep of i.def.dependsOn) {
      if (!runningAnywhere.has(dep))
        error(
          'vms',
          here,
          `${i.kind} needs ${dep}, which no VM runs; expected a VM with "${dep}" in its services`,
        );
    }
    for (const key of ['db', 'primary'] as const) {
      const target = i.params[key];
      if (typeof target !== 'string') continue;
      const path: Path = ['vms', i.vmIndex, 'services', i.index, key];
      if (!byName.has(target))
        error('vms', path, `VM "${target}" is not in vms.yaml; expected a VM running ${DATABASE_KIND}`);
      else if (!runs(byName.get(target), DATABASE_KIND))
        error(
          'vms',
          path,
          `VM "${target}" does not run ${DATABASE_KIND}; expected a VM with "${DATABASE_KIND}" in its services`,
        );
      else if (target === i.vm.name) error('vms', path, `"${target}" is this VM itself; expected another VM`);
    }
    // Public HTTP behind a reverse proxy.
    if (i.def.web?.tls === 'proxy' && vmSite(inv, i.vm) !== undefined && proxiesFor(inv, i).length === 0)
      error(
        'vms',
        here,
        `${i.kind} serves HTTP behind a reverse proxy, but site "${i.site}" has no VM running nginx-proxy; expected a proxy in the site, or nginx-proxy on this VM`,
      );
    // Addresses the ports need.
    const addresses = vmAddresses(inv, i.vm);
    const v4 = i.def.ports.find((p) => p.ipv4);
    if (v4 && addresses.publicIpv4.length === 0)
      error(
        'vms',
        here,
        `${i.kind} needs a public IPv4 address (${portText({ proto: v4.proto, from: range(v4.port)[0], to: range(v4.port)[1] })}: ${v4.purpose}), but VM "${i.vm.name}" has none; expected an ipv4 on a nic in a public network`,
      );
    else if (
      i.def.ports.some((p) => p.reach === 'public') &&
      addresses.publicIpv6.length === 0 &&
      addresses.publicIpv4.length === 0
    )
      error(
        'vms',
        here,
        `${i.kind} has public ports, but VM "${i.vm.name}" has no address on a public network`,
      );
  }

  // Ports: no two claims on one port of a VM; the baseline's sshd owns 22/tcp.
  inv.vms.forEach((vm, vi) => {
    const claims: Claim[] = [];
    for (const i of instances.filter((x) => x.vm.name === vm.name)) {
      for (const p of i.def.ports) {
        const [from, to] = range(p.port);
        claims.push({
          proto: p.proto,
          from,
          to,
          who: `${i.kind} (services[${i.index}])`,
          path: kindPath(vi, i.index),
          sshd: p.sshd === true,
        });
      }
    }
    vm.extra_ports.forEach((extra, ei) => {
      const path: Path = ['vms', vi, 'extra_ports', ei, 'port'];
      let from: number;
      let to: number;
      if (typeof extra.port === 'number') [from, to] = [extra.port, extra.port];
      else {
        [from, to] = extra.port.split('-').map(Number) as [number, number];
        if (from < 1 || to > 65535 || from > to) {
          error(
            'vms',
            path,
            `"${extra.port}" is not a port range; expected FROM-TO with 1 <= FROM <= TO <= 65535`,
          );
          return;
        }
      }
      claims.push({ proto: extra.proto, from, to, who: `extra_ports[${ei}]`, path, sshd: false });
    });
    claims.forEach((claim, ci) => {
      if (claim.proto === 'tcp' && claim.from <= 22 && claim.to >= 22 && !claim.sshd)
        error(
          'vms',
          claim.path,
          `port 22/tcp of ${claim.who} is taken by the baseline's sshd; expected another port`,
        );
      const other = claims
        .slice(0, ci)
        .find(
          (c) =>
            c.proto === claim.proto && c.from <= claim.to && claim.from <= c.to && !(c.sshd && claim.sshd),
        );
      if (other)
        error(
          'vms',
          claim.path,
          `port ${portText(claim)} of ${claim.who} is already claimed by ${other.who} on VM "${vm.name}"; expected each port once per VM`,
        );
    });
  });

  // Public names: each one served by one instance, and never a VM's own name unless the VM serves it itself.
  const fqdnOwner = new Map(inv.vms.map((vm) => [`${vm.name}.${inv.org.domain}`, vm.name]));
  const nameOwner = new Map<string, ServiceInstance>();
  for (const i of instances) {
    // Web names get A/AAAA records (the proxies', or the VM's own); other names (an XMPP domain, an MX
    // target) only name what a certificate must be valid for.
    for (const name of new Set(i.ctx.webNames)) {
      const path: Path =
        i.params.domain === name
          ? ['vms', i.vmIndex, 'services', i.index, 'domain']
          : kindPath(i.vmIndex, i.index);
      const first = nameOwner.get(name);
      if (first && first.vm.name !== i.vm.name)
        error(
          'vms',
          path,
          `name "${name}" is already served by ${first.label}; expected each public name once`,
        );
      else if (!first) nameOwner.set(name, i);
      const vmOwner = fqdnOwner.get(name);
      const viaProxy = i.def.web?.tls === 'proxy';
      if (vmOwner !== undefined && (vmOwner !== i.vm.name || viaProxy))
        error(
          'vms',
          path,
          `name "${name}" is the FQDN of VM "${vmOwner}"${viaProxy ? ' but would point at the proxies' : ''}; expected a name that is not a VM's own`,
        );
    }
  }

  // The sources in org.yaml must let our own machines in.
  const coverage = (kinds: readonly string[], list: readonly string[], field: Path, what: string): void => {
    for (const vm of inv.vms.filter((v) => v.services.some((s) => kinds.includes(s.kind)))) {
      const a = vmAddresses(inv, vm);
      const missing = [...a.ipv6, ...a.ipv4].filter((x) => !covered(x, list));
      if (missing.length > 0)
        error(
          'org',
          field,
          `VM "${vm.name}" runs ${vm.services.find((s) => kinds.includes(s.kind))?.kind} but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not inside ${what}; expected a prefix containing ${missing.length === 1 ? 'it' : 'them'}`,
        );
    }
  };
  const { monitoring, ssh, backup } = inv.org;
  if (monitoring)
    coverage(MONITORING_KINDS, monitoring.sources, ['monitoring', 'sources'], 'monitoring.sources');
  coverage([JUMP_KIND], ssh.sources, ['ssh', 'sources'], 'ssh.sources');
  if (backup && runningAnywhere.has(BACKUP_REPO_KIND)) {
    // Clients reach the repository over the address families it has.
    const repos = inv.vms.filter((vm) => runs(vm, BACKUP_REPO_KIND)).map((vm) => vmAddresses(inv, vm));
    const overV4 = repos.some((a) => a.publicIpv4.length > 0);
    const overV6 = repos.some((a) => a.publicIpv6.length > 0);
    for (const vm of inv.vms) {
      if (vm.os === 'other' || runs(vm, BACKUP_REPO_KIND)) continue;
      const a = vmAddresses(inv, vm);
      const used = [...(overV6 ? a.publicIpv6 : []), ...(overV4 ? a.publicIpv4 : [])];
      const missing = used.filter((x) => !covered(x, backup.sources));
      if (missing.length > 0)
        error(
          'org',
          ['backup', 'sources'],
          `VM "${vm.name}" backs up from ${missing.join(', ')}, which is not inside backup.sources; expected a prefix containing it`,
        );
    }
  }

  // Reboot turns.
  for (const problem of rebootSchedule(inv).problems)
    error('vms', ['vms', problem.vmIndex, problem.field], problem.message);

  // Rules that live in files of their own (services/rules/).
  for (const f of databaseInAnotherSite(inv)) at(f.severity)(f.file, f.path, f.message);
  return findings;
}
