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
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../inventory/net.ts';
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

function shiftV4(text: string, copy: number): string {
  const [addr, len] = text.split('/');
  const value = parseIPv4(addr!)!;
  const slot = v4Block(value);
  const moved = BENCH_V4_BASE + BigInt((copy * 3 + slot) * 256) + (value & 0xffn);
  return len === undefined ? formatIPv4(moved) : `${formatIPv4(moved)}/${len}`;
}

function shiftV6(text: string, copy: number): string {
  const [addr, len] = text.split('/');
  // Each copy takes its own value in the fourth group: 2001:db8:100::/64 -> 2001:db8:100:<copy>::/64.
  const moved = parseIPv6(addr!)! + (BigInt(copy) << 64n);
  return len === undefined ? formatIPv6(moved) : `${formatIPv6(moved)}/${len}`;
}

function rename(name: string, copy: number): string {
  return copy === 0 ? name : `${name}-k${copy}`;
}

function read(dir: string, file: string): Data {
  return parse(readFileSync(join(dir, file), 'utf8')) as Data;
}

/** Writes `factor` copies of the inventory in `from` as one inventory in `to`. */
export function scaleInventory(from: string, to: string, factor: number): void {
  mkdirSync(to, { recursive: true });
  const org = read(from, 'org.yaml');
  const sites = read(from, 'sites.yaml').sites as Data[];
  const networks = read(from, 'networks.yaml').networks as Data[];
  const clusters = read(from, 'clusters.yaml').clusters as Data[];
  const vms = read(from, 'vms.yaml').vms as Data[];
  const out = { sites: [] as Data[], networks: [] as Data[], clusters: [] as Data[], vms: [] as Data[] };
  const v4 = (copy: number) => (t: unknown) =>
    t === undefined ? undefined : copy === 0 ? t : shiftV4(String(t), copy);
  const v6 = (copy: number) => (t: unknown) =>
    t === undefined ? undefined : copy === 0 ? t : shiftV6(String(t), copy);
  // Service parameters name VMs (db: db1) and public names (git.example.org): both get the copy's suffix.
  const vmNames = new Set(vms.map((vm) => String(vm.name)));
  const domain = String(org.domain);
  const renameValue = (value: unknown, copy: number): unknown => {
    if (Array.isArray(value)) return value.map((v) => renameValue(v, copy));
    if (typeof value !== 'string' || copy === 0) return value;
    if (vmNames.has(value)) return rename(value, copy);
    if (value === domain || value.endsWith(`.${domain}`))
      return `${value.slice(0, -domain.length)}k${copy}.${domain}`;
    return value;
  };
  // A larger organisation still has one jump host, one monitoring master and satellite, one backup repository
  // and one hidden DNS primary: copies do not run those again (else every VM's firewall would grow with the
  // copies, and every copy's primary would carry every copy's ACME grants: 100x wrote 100 such 3 MB files).
  const orgWide = new Set(['ssh-jump', 'icinga2-master', 'icinga2-satellite', 'borg-repo', 'dns-primary']);
  const kindOf = (service: unknown): string =>
    typeof service === 'string' ? service : String((service as Data).kind);
  const renameService = (service: unknown, copy: number): unknown =>
    typeof service === 'object' && service !== null
      ? Object.fromEntries(
          Object.entries(service).map(([k, v]) => [k, k === 'kind' ? v : renameValue(v, copy)]),
        )
      : service;
  const defined = (d: Data): Data => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined));
  for (let copy = 0; copy < factor; copy++) {
    for (const s of sites) out.sites.push({ ...s, name: rename(String(s.name), copy) });
    for (const n of networks) {
      out.networks.push(
        defined({
          ...n,
          name: rename(String(n.name), copy),
          site: rename(String(n.site), copy),
          ipv6: v6(copy)(n.ipv6),
          gateway6: v6(copy)(n.gateway6),
          ipv4: v4(copy)(n.ipv4),
          gateway4: v4(copy)(n.gateway4),
        }),
      );
    }
    for (const c of clusters) {
      out.clusters.push({
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
            ipv6: v6(copy)(node.ipv6),
            ipv4: v4(copy)(node.ipv4),
          }),
        ),
      });
    }
    for (const vm of vms) {
      // A copy that no longer runs an org-wide kind keeps the size the original has from the catalog.
      const size = catalogSize(((vm.services as unknown[] | undefined) ?? []).map(kindOf));
      out.vms.push(
        defined({
          cores: size?.cores,
          memory: size?.memory,
          ...vm,
          name: rename(String(vm.name), copy),
          cluster: rename(String(vm.cluster), copy),
          node: rename(String(vm.node), copy),
          id: Number(vm.id) + copy * 10_000,
          anti_affinity: vm.anti_affinity === undefined ? undefined : rename(String(vm.anti_affinity), copy),
          services: ((vm.services as unknown[] | undefined) ?? [])
            .filter((service) => copy === 0 || !orgWide.has(kindOf(service)))
            .map((service) => renameService(service, copy)),
          nics: (vm.nics as Data[]).map((nic) =>
            defined({
              ...nic,
              network: rename(String(nic.network), copy),
              ipv6: v6(copy)(nic.ipv6),
              ipv4: v4(copy)(nic.ipv4),
            }),
          ),
        }),
      );
    }
  }
  // The backup repository takes every copy's networks as backup clients.
  const widen = (list: unknown): unknown =>
    Array.isArray(list)
      ? Array.from({ length: factor }, (_, copy) =>
          list.map((p) => (String(p).includes(':') ? v6(copy)(p) : v4(copy)(p))),
        ).flat()
      : list;
  const backup = org.backup as Data | undefined;
  if (backup?.sources) backup.sources = widen(backup.sources);
  writeFileSync(join(to, 'org.yaml'), stringify(org, { aliasDuplicateObjects: false }));
  writeFileSync(join(to, 'sites.yaml'), stringify({ sites: out.sites }, { aliasDuplicateObjects: false }));
  writeFileSync(
    join(to, 'networks.yaml'),
    stringify({ networks: out.networks }, { aliasDuplicateObjects: false }),
  );
  writeFileSync(
    join(to, 'clusters.yaml'),
    stringify({ clusters: out.clusters }, { aliasDuplicateObjects: false }),
  );
  writeFileSync(join(to, 'vms.yaml'), stringify({ vms: out.vms }, { aliasDuplicateObjects: false }));
  // Every copy boots from the same pinned images.
  if (existsSync(join(from, 'images.yaml'))) copyFileSync(join(from, 'images.yaml'), join(to, 'images.yaml'));
  if (org.secrets) scaleStore(from, to);
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
