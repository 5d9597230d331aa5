// Makes an N-times larger copy of an inventory for benchmarks: more sites, clusters, nodes and VMs,
// each copy with fresh names, VM ids and addresses (IPv6 in 2001:db8::/32, IPv4 in the
// 198.18.0.0/15 benchmarking range of RFC 2544, since the documentation ranges are too small).
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { defaultStore, secretPath } from '../members/secrets-store.ts';
import type { Model } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { secretKey } from '../model/secret-needs.ts';
import { type Family, formatAddress, formatIPv4, parseAddress, parseIPv4 } from '../inventory/net.ts';
import { sourcePrefix } from '../inventory/org.schema.ts';
import { catalogSize } from '../services/sizes.ts';

type Data = Record<string, unknown>;

const BENCH_V4_BASE = parseIPv4('198.18.0.0')!;

function v4Block(address: bigint): number {
  // The three documentation /24s become slots 0..2 of each copy.
  const slots = [parseIPv4('192.0.2.0')!, parseIPv4('198.51.100.0')!, parseIPv4('203.0.113.0')!];
  const slot = slots.findIndex((s) => address >= s && address < s + 256n);
  if (slot < 0)
    throw new Error(`bench scaling expects documentation IPv4 addresses, got ${formatIPv4(address)}`);
  return slot;
}

/**
 * Where a copy puts an address: IPv4 into the copy's three /24s of 198.18.0.0/15; IPv6 into the copy's own
 * value of the fourth group (2001:db8:100::/64 -> 2001:db8:100:<copy>::/64).
 */
function shifted(value: bigint, family: Family, copy: number): bigint {
  if (family === 6) return value + (BigInt(copy) << 64n);
  return BENCH_V4_BASE + BigInt((copy * 3 + v4Block(value)) * 256) + (value & 0xffn);
}

/** A copy's version of an address field (as written in copy 0); absent stays absent. */
const addressIn =
  (family: Family, copy: number) =>
  (text: unknown): unknown => {
    if (text === undefined || copy === 0) return text;
    return formatAddress(shifted(parseAddress(String(text), family)!, family, copy), family);
  };

/** A copy's version of a prefix field, read by the schema's own prefix type. */
const prefixIn =
  (copy: number) =>
  (text: unknown): unknown => {
    if (text === undefined || copy === 0) return text;
    const prefix = sourcePrefix.parse(String(text));
    return `${formatAddress(shifted(prefix.network, prefix.family, copy), prefix.family)}/${prefix.length}`;
  };

function rename(name: string, copy: number): string {
  return copy === 0 ? name : `${name}-k${copy}`;
}

function read(dir: string, file: string): Data {
  return parse(readFileSync(join(dir, file), 'utf8')) as Data;
}

const defined = (d: Data): Data => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));

/** Writes `factor` copies of the inventory in `from` as one inventory in `to`. */
export function scaleInventory(from: string, to: string, factor: number): void {
  mkdirSync(to, { recursive: true });
  const org = read(from, 'org.yaml');
  const sites = read(from, 'sites.yaml').sites as Data[];
  const networks = read(from, 'networks.yaml').networks as Data[];
  const clusters = read(from, 'clusters.yaml').clusters as Data[];
  const vms = read(from, 'vms.yaml').vms as Data[];
  const out = { sites: [] as Data[], networks: [] as Data[], clusters: [] as Data[], vms: [] as Data[] };
  const copyVm = vmCopier(vms, String(org.domain));
  for (let copy = 0; copy < factor; copy++) {
    for (const s of sites) out.sites.push({ ...s, name: rename(String(s.name), copy) });
    for (const n of networks) out.networks.push(copyNetwork(n, copy));
    for (const c of clusters) out.clusters.push(copyCluster(c, copy));
    for (const vm of vms) out.vms.push(copyVm(vm, copy));
  }
  // The backup repository takes every copy's networks as backup clients.
  const backup = org.backup as Data | undefined;
  if (Array.isArray(backup?.sources)) {
    const sources = backup.sources as unknown[];
    backup.sources = Array.from({ length: factor }, (_, copy) => sources.map(prefixIn(copy))).flat();
  }
  const write = (file: string, data: unknown): void =>
    writeFileSync(join(to, file), stringify(data, { aliasDuplicateObjects: false }));
  write('org.yaml', org);
  write('sites.yaml', { sites: out.sites });
  write('networks.yaml', { networks: out.networks });
  write('clusters.yaml', { clusters: out.clusters });
  write('vms.yaml', { vms: out.vms });
  // Every copy boots from the same pinned images.
  if (existsSync(join(from, 'images.yaml'))) copyFileSync(join(from, 'images.yaml'), join(to, 'images.yaml'));
  if (org.secrets) scaleStore(from, to);
}

function copyNetwork(n: Data, copy: number): Data {
  return defined({
    ...n,
    name: rename(String(n.name), copy),
    site: rename(String(n.site), copy),
    ipv6: prefixIn(copy)(n.ipv6),
    gateway6: addressIn(6, copy)(n.gateway6),
    ipv4: prefixIn(copy)(n.ipv4),
    gateway4: addressIn(4, copy)(n.gateway4),
  });
}

function copyCluster(c: Data, copy: number): Data {
  return {
    ...c,
    name: rename(String(c.name), copy),
    site: rename(String(c.site), copy),
    endpoint: String(c.endpoint).replace(
      /^https:\/\/([^.]+)/,
      (_m, host: string) => `https://${rename(host, copy)}`,
    ),
    nodes: (c.nodes as Data[]).map((node) =>
      defined({
        ...node,
        name: rename(String(node.name), copy),
        ipv6: addressIn(6, copy)(node.ipv6),
        ipv4: addressIn(4, copy)(node.ipv4),
      }),
    ),
  };
}

// A larger organisation still has one jump host, one monitoring master and satellite and one backup
// repository: copies do not run those again (else every VM's firewall would grow with the copies).
const ORG_WIDE = new Set(['ssh-jump', 'icinga2-master', 'icinga2-satellite', 'borg-repo', 'dns-primary']);

const kindOf = (service: unknown): string =>
  typeof service === 'string' ? service : String((service as Data).kind);

/** Copies a VM entry: fresh names, id and addresses, and service parameters that name the copy's VMs. */
function vmCopier(vms: readonly Data[], domain: string): (vm: Data, copy: number) => Data {
  // Service parameters name VMs (db: db1) and public names (git.example.org): both get the copy's suffix.
  const vmNames = new Set(vms.map((vm) => String(vm.name)));
  const renameValue = (value: unknown, copy: number): unknown => {
    if (Array.isArray(value)) return value.map((v) => renameValue(v, copy));
    if (typeof value !== 'string' || copy === 0) return value;
    if (vmNames.has(value)) return rename(value, copy);
    if (value === domain || value.endsWith(`.${domain}`))
      return `${value.slice(0, -domain.length)}k${copy}.${domain}`;
    return value;
  };
  const renameService = (service: unknown, copy: number): unknown =>
    typeof service === 'object' && service !== null
      ? Object.fromEntries(
          Object.entries(service).map(([k, v]) => [k, k === 'kind' ? v : renameValue(v, copy)]),
        )
      : service;
  return (vm, copy) => {
    const services = (vm.services as unknown[] | undefined) ?? [];
    // A copy that no longer runs an org-wide kind keeps the size the original has from the catalog.
    const size = catalogSize(services.map(kindOf));
    return defined({
      cores: size?.cores,
      memory: size?.memory,
      ...vm,
      name: rename(String(vm.name), copy),
      cluster: rename(String(vm.cluster), copy),
      node: rename(String(vm.node), copy),
      id: Number(vm.id) + copy * 10_000,
      anti_affinity: vm.anti_affinity === undefined ? undefined : rename(String(vm.anti_affinity), copy),
      services: services
        .filter((service) => copy === 0 || !ORG_WIDE.has(kindOf(service)))
        .map((service) => renameService(service, copy)),
      nics: (vm.nics as Data[]).map((nic) =>
        defined({
          ...nic,
          network: rename(String(nic.network), copy),
          ipv6: addressIn(6, copy)(nic.ipv6),
          ipv4: addressIn(4, copy)(nic.ipv4),
        }),
      ),
    });
  };
}

/**
 * The secrets store beside `to` (members/secrets-store.ts): for every secret the larger inventory needs, the
 * original's file of the same secret (the key without the copy's `-k<n>`), else of another owner's secret of the
 * same name (a copy's VM that needs what no original VM did), so `npm run check` reads a complete store.
 */
function scaleStore(from: string, to: string): void {
  const store = defaultStore(from);
  const scaled = loadInventory(to);
  if (!scaled.model) throw new Error(`the scaled inventory in ${to} does not load`);
  const sameName = new Map<string, string>();
  for (const need of validModel(from).secretNeeds)
    if (existsSync(secretPath(store, secretKey(need)))) sameName.set(need.name, secretKey(need));
  for (const need of scaled.model.secretNeeds) {
    const original = secretKey(need).replace(/-k\d+(?=[/-]|$)/g, '');
    const source = existsSync(secretPath(store, original)) ? original : sameName.get(need.name);
    if (source === undefined) continue;
    const target = secretPath(defaultStore(to), secretKey(need));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(secretPath(store, source), target);
  }
}

/** The model `loadInventory` derived from the inventory in `dir`. */
function validModel(dir: string): Model {
  const result = loadInventory(dir);
  if (!result.model) throw new Error(`the inventory in ${dir} does not load`);
  return result.model;
}
