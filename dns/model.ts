// The DNS model: every zone the organisation owns and every record in it, derived from the inventory once.
// The dns stack pushes it, the zone files show it, the zone rules check it.
import { fqdn } from '../inventory/names.ts';
import type { InventoryFile } from '../inventory/rules/rule.ts';
import type { Path } from '../inventory/findings.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { type Family, formatAddress, parseAddress } from '../inventory/net.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { CATALOG, PROXY_KIND } from '../services/catalog.ts';
import { serviceDnsRecords } from '../services/dns.ts';
import { type ServiceInstance, type ServiceModel, vmAddresses } from '../services/instances.ts';
import { ptrOwner, reverseName, reverseZones } from './reverse.ts';

export type RecordType = 'SOA' | 'NS' | 'CAA' | 'A' | 'AAAA' | 'CNAME' | 'MX' | 'SRV' | 'TXT' | 'PTR';

/** The kinds whose VMs are our name servers. */
export const PRIMARY_KIND = 'dns-primary';
export const SECONDARY_KIND = 'dns-secondary';

/** Where in the inventory a record comes from, to locate a finding about it. */
export interface Origin {
  readonly file: InventoryFile;
  readonly path: Path;
  /** `VM gitea`, `gitea on gitea`, `dns.yaml`. */
  readonly what: string;
}

/** One record as one part of the inventory asks for it, before records are grouped into sets. */
export interface DnsEntry {
  /** Fully qualified, lower case, without the trailing dot. */
  readonly name: string;
  readonly type: RecordType;
  /** Zone-file form without trailing dots: `2001:db8::a`, `10 mail.example.org`, the text of a TXT. */
  readonly value: string;
  /** Set only when dns.yaml gives one; a set without it gets org.yaml's dns.ttl. */
  readonly ttl?: number;
  readonly origin: Origin;
}

/** Every record of one name and type: one Terraform resource, one TTL. */
export interface RecordSet {
  readonly zone: string;
  readonly name: string;
  readonly type: RecordType;
  readonly ttl: number;
  /** Unique, sorted. */
  readonly values: readonly string[];
  /**
   * Loaded by the primary with the zone instead of pushed: our hashicorp/dns can update neither a zone's
   * own NS records (its `name` is required) nor CAA (no resource), and the SOA is the server's.
   */
  readonly seed: boolean;
  readonly entries: readonly DnsEntry[];
}

export interface Zone {
  /** `example.org`, `0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa`, `0-63.2.0.192.in-addr.arpa`. */
  readonly name: string;
  readonly reverse: boolean;
  /** In canonical order: by name (labels right to left), then type, as a zone file lists them. */
  readonly sets: readonly RecordSet[];
}

/** An address of a VM, the name it has and where its PTR lives. */
export interface VmAddress {
  readonly vm: string;
  readonly address: string;
  readonly family: Family;
  readonly name: string;
  /** The PTR owner name, undefined when no zone of ours holds it (its network has no such prefix). */
  readonly ptr?: string;
  readonly origin: Origin;
}

/** A VM that sends a domain's mail to the Internet: the domain's SPF must authorise its addresses. */
export interface MailSender {
  readonly domain: string;
  readonly vm: string;
  readonly addresses: readonly string[];
  readonly origin: Origin;
}

/** A name browsers reach over HTTPS. */
export interface WebName {
  readonly name: string;
  /** Its service must be reachable over IPv4 too, so the name needs an A record. */
  readonly needsIpv4: boolean;
  readonly origin: Origin;
}

export interface DnsModel {
  readonly domain: string;
  readonly ttl: { readonly default: number; readonly min: number; readonly max: number };
  /** The hidden primary the stack sends its updates to; undefined when the inventory runs none. */
  readonly primary?: { readonly vm: string; readonly fqdn: string; readonly server: string };
  /** The NS of every zone: the secondaries, or the primary when there are none. */
  readonly nameservers: readonly string[];
  readonly zones: readonly Zone[];
  /** The names of `zones`, for lookups. */
  readonly zoneNames: ReadonlySet<string>;
  /** Every record set by `name type`, for lookups. */
  readonly sets: ReadonlyMap<string, RecordSet>;
  /** Every record asked for, in or outside our zones (a reverse zone's SOA and NS only in its sets). */
  readonly entries: readonly DnsEntry[];
  readonly addresses: readonly VmAddress[];
  readonly senders: readonly MailSender[];
  readonly webNames: readonly WebName[];
}

/** The SOA timers of every zone (refresh, retry, expire); the negative TTL is org.yaml's ttl_min. */
const SOA_TIMERS = '3600 900 1209600';

/** Orders names as a zone file does: `example.org`, `_dmarc.example.org`, `git.example.org`, ... */
export function compareNames(a: string, b: string): number {
  const la = a.split('.').reverse();
  const lb = b.split('.').reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return la[i]! < lb[i]! ? -1 : 1;
  }
  return la.length - lb.length;
}

const TYPE_ORDER: readonly RecordType[] = [
  'SOA',
  'NS',
  'CAA',
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'SRV',
  'TXT',
  'PTR',
];

/** The zone of ours a name lies in: the longest zone it equals or ends with (label by label: no scan). */
export function zoneOf(name: string, zones: ReadonlySet<string>): string | undefined {
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const candidate = labels.slice(i).join('.');
    if (zones.has(candidate)) return candidate;
  }
  return undefined;
}

/** The record sets of some zones by `name type`. */
export function indexSets(zones: readonly Zone[]): Map<string, RecordSet> {
  const index = new Map<string, RecordSet>();
  for (const zone of zones) for (const set of zone.sets) index.set(`${set.name} ${set.type}`, set);
  return index;
}

/** The name an address of a VM has: `<vm>.<domain>` on public networks (or when it has no public one), else `<vm>.<purpose>.<domain>`. */
export function addressName(
  inventory: Inventory,
  vm: Vm,
  network: string,
  purpose: ReadonlyMap<string, string> = new Map(inventory.networks.map((n) => [n.name, n.purpose])),
): string {
  const hasPublic = vm.nics.some((nic) => purpose.get(nic.network) === 'public');
  const own = purpose.get(network);
  return own === 'public' || !hasPublic || !own
    ? fqdn(inventory, vm)
    : `${vm.name}.${own}.${inventory.org.domain}`;
}

function normalise(type: RecordType, value: string): string {
  if (type === 'A' || type === 'AAAA') {
    const family = type === 'A' ? 4 : 6;
    const parsed = parseAddress(value, family);
    return parsed === undefined ? value : formatAddress(parsed, family);
  }
  if (type === 'TXT' || type === 'CAA') return value;
  return value.toLowerCase().replace(/\.$/, '');
}

function instancePath(i: ServiceInstance): Path {
  return ['vms', i.vmIndex, 'services', i.index];
}

/** The entries derived so far, and `derive`, which adds one unless the same record is already there. */
interface Derived {
  readonly entries: DnsEntry[];
  readonly derive: (name: string, type: RecordType, value: string, origin: Origin) => void;
}

function derivedEntries(): Derived {
  const entries: DnsEntry[] = [];
  const seen = new Set<string>();
  // Derived records that two parts of the inventory both want are one record; dns.yaml's are never merged
  // silently, so a duplicate there is reported.
  const derive = (name: string, type: RecordType, value: string, origin: Origin): void => {
    const entry = { name: name.toLowerCase(), type, value: normalise(type, value), origin };
    const key = `${entry.name} ${type} ${entry.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push(entry);
  };
  return { entries, derive };
}

const ORG_ORIGIN: Origin = { file: 'org', path: ['domain'], what: 'org.yaml' };

export function buildDnsModel(inventory: Inventory, services: ServiceModel): DnsModel {
  const { org } = inventory;
  const domain = org.domain;
  const ttl = { default: org.dns.ttl, min: org.dns.ttl_min, max: org.dns.ttl_max };
  const { instances } = services;

  const primaryInstance = instances.find((i) => i.kind === PRIMARY_KIND);
  const primary = primaryInstance ? primaryOf(inventory, services, primaryInstance.vm) : undefined;
  const secondaries = instances.filter((i) => i.kind === SECONDARY_KIND);
  const nameservers = [
    ...new Set(secondaries.length > 0 ? secondaries.map((i) => i.ctx.fqdn) : primary ? [primary.fqdn] : []),
  ];
  const names = zoneNamesOf(inventory);
  const { entries, derive } = derivedEntries();
  const ownRecords = zoneRecords(inventory, names, { primary, nameservers, secondaries, ttl }, derive);
  const addresses = vmAddressRecords(inventory, names.reverseOf, derive);
  const own = inventory.dns?.records ?? [];
  serviceRecords(services, own, names.all, derive);
  // dns.yaml, as written.
  own.forEach((r, ri) => {
    entries.push({
      name: r.name,
      type: r.type,
      value: normalise(r.type, r.value),
      ...(r.ttl !== undefined ? { ttl: r.ttl } : {}),
      origin: { file: 'dns', path: ['records', ri], what: 'dns.yaml' },
    });
  });
  const zones = groupIntoZones(names, ownRecords, entries, ttl.default);

  return {
    domain,
    ttl,
    ...(primary ? { primary } : {}),
    nameservers,
    zones,
    zoneNames: names.all,
    sets: indexSets(zones),
    entries,
    addresses,
    senders: mailSenders(services),
    webNames: webNames(instances),
  };
}

/** The zones we own: the forward ones (the domain and dns.yaml's) and each network's reverse zones. */
interface ZoneNames {
  /** Forward zones first, then reverse zones, as first named. */
  readonly ordered: readonly string[];
  readonly forward: ReadonlySet<string>;
  readonly all: ReadonlySet<string>;
  /** The reverse zones of each network, by network name. */
  readonly reverseOf: ReadonlyMap<string, readonly string[]>;
}

function zoneNamesOf(inventory: Inventory): ZoneNames {
  const forward = [...new Set([inventory.org.domain, ...(inventory.dns?.zones ?? [])])];
  const reverseOf = new Map<string, string[]>();
  for (const net of inventory.networks) {
    const zones: string[] = [];
    for (const prefix of [net.ipv6, net.ipv4]) if (prefix) zones.push(...reverseZones(prefix));
    reverseOf.set(net.name, zones);
  }
  const reverse = [...new Set([...reverseOf.values()].flat())];
  const ordered = [...forward, ...reverse];
  return { ordered, forward: new Set(forward), all: new Set(ordered), reverseOf };
}

/** Who serves the zones, as their SOA and NS records say. */
interface ZoneServers {
  readonly primary: DnsModel['primary'];
  readonly nameservers: readonly string[];
  readonly secondaries: readonly ServiceInstance[];
  readonly ttl: DnsModel['ttl'];
}

/**
 * The zones' own records (SOA, NS, CAA). A forward zone's are derived entries; a reverse zone's go straight
 * into its zone, returned by zone: they repeat the forward zones' (same primary, same name servers), whose
 * entries the rules check once, and there are (zones x name servers) of them.
 */
function zoneRecords(
  inventory: Inventory,
  names: ZoneNames,
  { primary, nameservers, secondaries, ttl }: ZoneServers,
  derive: Derived['derive'],
): Map<string, DnsEntry[]> {
  const nsOrigin = new Map<string, Origin>();
  for (const i of secondaries)
    if (!nsOrigin.has(i.ctx.fqdn))
      nsOrigin.set(i.ctx.fqdn, { file: 'vms', path: instancePath(i), what: i.label });
  const ownRecords = new Map<string, DnsEntry[]>(names.ordered.map((z) => [z, []]));
  for (const zone of names.ordered) {
    const add = names.forward.has(zone)
      ? derive
      : (name: string, type: RecordType, value: string, origin: Origin): void => {
          ownRecords.get(zone)!.push({ name, type, value, origin });
        };
    if (primary) {
      const soa = `${primary.fqdn} hostmaster.${inventory.org.domain} 1 ${SOA_TIMERS} ${ttl.min}`;
      add(zone, 'SOA', soa, { ...ORG_ORIGIN, what: `the primary ${primary.vm}` });
    }
    for (const ns of nameservers) add(zone, 'NS', ns, nsOrigin.get(ns) ?? ORG_ORIGIN);
    if (names.forward.has(zone)) add(zone, 'CAA', `0 issue "${inventory.org.acme.caa}"`, ORG_ORIGIN);
  }
  return ownRecords;
}

/** Every VM's names (A, AAAA) and a PTR for each address that a reverse zone of ours holds. */
function vmAddressRecords(
  inventory: Inventory,
  reverseOf: ReadonlyMap<string, readonly string[]>,
  derive: Derived['derive'],
): VmAddress[] {
  const addresses: VmAddress[] = [];
  const networks = new Map(inventory.networks.map((n) => [n.name, n]));
  const purposes = new Map(inventory.networks.map((n) => [n.name, n.purpose]));
  inventory.vms.forEach((vm, vi) => {
    vm.nics.forEach((nic, ni) => {
      const name = addressName(inventory, vm, nic.network, purposes);
      for (const [text, family, type] of [
        [nic.ipv6, 6, 'AAAA'],
        [nic.ipv4, 4, 'A'],
      ] as const) {
        if (text === undefined) continue;
        const origin: Origin = {
          file: 'vms',
          path: ['vms', vi, 'nics', ni, `ipv${family}`],
          what: `VM ${vm.name}`,
        };
        const value = parseAddress(text, family);
        if (value === undefined) continue;
        derive(name, type, text, origin);
        const zones = reverseOf.get(nic.network) ?? [];
        const ptr = networks.get(nic.network) ? ptrName(value, family, zones) : undefined;
        if (ptr) derive(ptr, 'PTR', name, origin);
        addresses.push({
          vm: vm.name,
          address: formatAddress(value, family),
          family,
          name,
          ...(ptr ? { ptr } : {}),
          origin,
        });
      }
    });
  });
  return addresses;
}

/** The PTR owner of an address in one of its network's reverse zones (an IPv4 one may be RFC 2317's). */
function ptrName(value: bigint, family: Family, zones: readonly string[]): string | undefined {
  const canonical = reverseName(value, family);
  const zone =
    zones.find((z) => canonical.endsWith(`.${z}`)) ??
    (family === 4 ? zones.find((z) => z.includes('-')) : undefined);
  return zone ? ptrOwner(value, family, zone) : undefined;
}

/** What the services want (web names, MX, SPF, DMARC, SRV); a zone's apex NS and an SPF dns.yaml gives are not theirs. */
function serviceRecords(
  services: ServiceModel,
  own: readonly { readonly name: string; readonly type: RecordType; readonly value: string }[],
  zones: ReadonlySet<string>,
  derive: Derived['derive'],
): void {
  const byLabel = new Map(services.instances.map((i) => [i.label, i]));
  const spfOverridden = new Set(
    own.filter((r) => r.type === 'TXT' && r.value.startsWith('v=spf1')).map((r) => r.name),
  );
  for (const record of serviceDnsRecords(services)) {
    if (record.type === 'NS' && zones.has(record.name)) continue;
    if (record.type === 'TXT' && record.value.startsWith('v=spf1') && spfOverridden.has(record.name))
      continue;
    const i = byLabel.get(record.for);
    const origin: Origin = i ? { file: 'vms', path: instancePath(i), what: record.for } : ORG_ORIGIN;
    derive(record.name, record.type, record.value, origin);
  }
}

/** Every entry filed into the zone holding its name, grouped into record sets; forward zones first. */
function groupIntoZones(
  names: ZoneNames,
  byZone: Map<string, DnsEntry[]>,
  entries: readonly DnsEntry[],
  ttl: number,
): Zone[] {
  for (const entry of entries) {
    const zone = zoneOf(entry.name, names.all);
    if (zone) byZone.get(zone)!.push(entry);
  }
  return names.ordered
    .map((name) => ({
      name,
      reverse: !names.forward.has(name),
      sets: setsOf(name, byZone.get(name)!, ttl),
    }))
    .sort((a, b) => Number(a.reverse) - Number(b.reverse) || compareNames(a.name, b.name));
}

function primaryOf(
  inventory: Inventory,
  services: ServiceModel,
  vm: Vm,
): { vm: string; fqdn: string; server: string } {
  const a = vmAddresses(services, vm);
  // IPv6 first, as everywhere; the deploying machine reaches the hidden primary on its public address.
  const server = a.publicIpv6[0] ?? a.ipv6[0] ?? a.publicIpv4[0] ?? a.ipv4[0] ?? '';
  return { vm: vm.name, fqdn: fqdn(inventory, vm), server };
}

/** Groups one zone's entries into record sets. */
function setsOf(zone: string, entries: readonly DnsEntry[], ttl: number): RecordSet[] {
  const groups = new Map<string, DnsEntry[]>();
  for (const entry of entries) {
    const key = `${entry.name} ${entry.type}`;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  return [...groups.values()]
    .map((group) => {
      const { name, type } = group[0]!;
      return {
        zone,
        name,
        type,
        ttl: group.find((e) => e.ttl !== undefined)?.ttl ?? ttl,
        values: [...new Set(group.map((e) => e.value))].sort(),
        seed: type === 'SOA' || type === 'CAA' || (type === 'NS' && name === zone),
        entries: group,
      };
    })
    .sort((a, b) => compareNames(a.name, b.name) || TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type));
}

function mailSenders(services: ServiceModel): MailSender[] {
  const out: MailSender[] = [];
  for (const i of services.instances) {
    for (const domain of i.def.sendsMailFor?.(i.ctx) ?? []) {
      const a = vmAddresses(services, i.vm);
      const pub = [...a.publicIpv6, ...a.publicIpv4];
      out.push({
        domain,
        vm: i.vm.name,
        addresses: pub.length > 0 ? pub : [...a.ipv6, ...a.ipv4],
        origin: { file: 'vms', path: instancePath(i), what: i.label },
      });
    }
  }
  return out;
}

function webNames(instances: readonly ServiceInstance[]): WebName[] {
  const proxyNeedsIpv4 = (CATALOG.get(PROXY_KIND)?.ports ?? []).some((p) => p.reach === 'public' && p.ipv4);
  const out: WebName[] = [];
  for (const i of instances) {
    const web = i.def.web;
    if (!web) continue;
    const needsIpv4 =
      web.tls === 'proxy' ? proxyNeedsIpv4 : i.def.ports.some((p) => p.reach === 'public' && p.ipv4 === true);
    for (const name of i.ctx.webNames) {
      out.push({ name, needsIpv4, origin: { file: 'vms', path: instancePath(i), what: i.label } });
    }
  }
  return out;
}
