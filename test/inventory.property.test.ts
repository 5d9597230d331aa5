// Properties of the loader over random inventories: valid ones load cleanly; one corruption is always
// reported at a real place in a real file, and nothing ever throws.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from 'yaml';
import { formatPath } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';

const FILES = [
  'org.yaml',
  'sites.yaml',
  'networks.yaml',
  'clusters.yaml',
  'vms.yaml',
  'images.yaml',
] as const;
type File = (typeof FILES)[number];
type Texts = Record<File, string>;

/** Fresh /28 blocks from the three IPv4 documentation ranges: 48 of them, never overlapping. */
const V4_BLOCKS = ['192.0.2', '198.51.100', '203.0.113'].flatMap((net) =>
  Array.from({ length: 16 }, (_, i) => ({ base: net, start: i * 16 })),
);

interface VmShape {
  readonly node: number;
  readonly memory: number;
  readonly cores: number;
  readonly ha: boolean;
  readonly network: number;
  readonly ipv4: boolean;
  readonly disks: number;
  readonly os: 'debian-12' | 'debian-13' | 'other';
}
interface ClusterShape {
  readonly nodes: number;
  readonly ceph: boolean;
  readonly antiAffinity: boolean;
  readonly vms: readonly VmShape[];
}
interface SiteShape {
  /** Networks besides the management one; each may have an IPv4 prefix and gateways. */
  readonly extra: readonly { readonly ipv4: boolean; readonly gateways: boolean }[];
  readonly mgmtIpv4: boolean;
  readonly clusters: readonly ClusterShape[];
}

const vmShape = fc.record({
  node: fc.nat(2),
  memory: fc.constantFrom(0.5, 1, 1.5, 2, 4),
  cores: fc.integer({ min: 1, max: 4 }),
  ha: fc.boolean(),
  network: fc.nat(2),
  ipv4: fc.boolean(),
  disks: fc.integer({ min: 1, max: 2 }),
  os: fc.constantFrom('debian-12' as const, 'debian-13' as const, 'other' as const),
});
const clusterShape = fc.record({
  nodes: fc.integer({ min: 1, max: 3 }),
  ceph: fc.boolean(),
  antiAffinity: fc.boolean(),
  vms: fc.array(vmShape, { maxLength: 5 }),
});
const siteShape = fc.record({
  extra: fc.array(fc.record({ ipv4: fc.boolean(), gateways: fc.boolean() }), { maxLength: 2 }),
  mgmtIpv4: fc.boolean(),
  clusters: fc.array(clusterShape, { maxLength: 2 }),
});
const orgShape = fc.record({
  sites: fc.array(siteShape, { minLength: 1, maxLength: 3 }),
  flow: fc.boolean(),
});

/**
 * Turns a random shape into a valid inventory: names, ids and addresses are handed out from counters, so
 * they never collide; sizes are small enough that capacity and N+1 always hold.
 */
function build(shape: { sites: readonly SiteShape[]; flow: boolean }): Texts {
  let v6Net = 0;
  let v4Block = 0;
  let nodeCount = 0;
  let vmCount = 0;
  const sites: unknown[] = [];
  const networks: Record<string, unknown>[] = [];
  const clusters: unknown[] = [];
  const vms: unknown[] = [];
  shape.sites.forEach((siteShape, si) => {
    const site = `site${si}`;
    sites.push({ name: site, location: `City ${si}` });
    const siteNets: { name: string; bridge: string; v6: string; v4?: { base: string; start: number } }[] = [];
    const addNet = (purpose: 'management' | 'public', ipv4: boolean, gateways: boolean) => {
      v6Net += 1;
      const name = `${site}-net${siteNets.length}`;
      const v6 = `2001:db8:${v6Net.toString(16)}::`;
      const v4 = ipv4 ? V4_BLOCKS[v4Block++] : undefined;
      const bridge = `vmbr${siteNets.length}`;
      const net: Record<string, unknown> = { name, site, purpose, bridge, ipv6: `${v6}/64` };
      if (gateways) net.gateway6 = `${v6}1`;
      if (v4) {
        net.ipv4 = `${v4.base}.${v4.start}/28`;
        if (gateways) net.gateway4 = `${v4.base}.${v4.start + 1}`;
      }
      networks.push(net);
      siteNets.push({ name, bridge, v6, ...(v4 ? { v4 } : {}) });
    };
    addNet('management', siteShape.mgmtIpv4, true);
    for (const extra of siteShape.extra) addNet('public', extra.ipv4, extra.gateways);
    const mgmt = siteNets[0]!;
    // Host numbers inside a /28: .1 is the gateway, nodes and VMs count up from .2 per network.
    const nextHost = new Map<string, number>(siteNets.map((n) => [n.name, 2]));

    siteShape.clusters.forEach((c, ci) => {
      const name = `c${si}x${ci}`;
      const ceph = c.ceph && c.nodes >= 2;
      const nodes = Array.from({ length: c.nodes }, (_, ni) => {
        nodeCount += 1;
        const node: Record<string, unknown> = {
          name: `${name}n${ni}`,
          cores: 16,
          memory: 64,
          local_disk: 1000,
          ipv6: `${mgmt.v6}${(0x10 + nodeCount).toString(16)}`,
          host_keys: [
            'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOUtXhrHL2cEtlr8OUcNPQfcNgVfHDfAFFD0h2E3FP7X root@pve',
          ],
        };
        if (mgmt.v4) {
          const host = nextHost.get(mgmt.name)!;
          nextHost.set(mgmt.name, host + 1);
          node.ipv4 = `${mgmt.v4.base}.${mgmt.v4.start + host}`;
        }
        return node;
      });
      clusters.push({
        name,
        site,
        endpoint: `https://pve-${name}.test.example.org:8006/`,
        nodes,
        ...(ceph
          ? {
              ceph: {
                pools: [{ name: 'vm-pool', size: Math.min(3, c.nodes), min_size: 2, application: 'rbd' }],
              },
            }
          : {}),
        storages: [
          ...(ceph ? [{ name: 'ceph-vm', type: 'rbd', pool: 'vm-pool', content: ['images'] }] : []),
          { name: 'local-zfs', type: 'zfspool', content: ['images'] },
          { name: 'local', type: 'dir', content: ['snippets', 'import', 'backup'] },
        ],
        bridges: siteNets.map((n) => n.bridge),
        snippets: 'local',
        backup: { storage: 'local' },
      });
      // Anti-affinity only in 3-node clusters, two VMs on distinct nodes: a failover always finds a third node.
      const grouped = c.antiAffinity && c.nodes === 3 ? 2 : 0;
      c.vms.forEach((v, vi) => {
        vmCount += 1;
        const ha = v.ha && ceph;
        const net = siteNets[v.network % siteNets.length]!;
        const nic: Record<string, unknown> = {
          network: net.name,
          ipv6: `${net.v6}${(0x100 + vmCount).toString(16)}`,
        };
        if (v.ipv4 && net.v4) {
          const host = nextHost.get(net.name)!;
          nextHost.set(net.name, host + 1);
          nic.ipv4 = `${net.v4.base}.${net.v4.start + host}`;
        }
        const storage = ceph && (ha || v.disks === 2) ? 'ceph-vm' : 'local-zfs';
        vms.push({
          name: `vm${vmCount}`,
          cluster: name,
          node: `${name}n${vi < grouped ? vi : v.node % c.nodes}`,
          id: 100 + vmCount,
          cores: v.cores,
          memory: v.memory,
          os: v.os,
          disks: Array.from({ length: v.disks }, (_, di) => ({ storage, size: 8 + di * 24 })),
          nics: [nic],
          ...(ha ? { ha: true } : {}),
          ...(vi < grouped ? { anti_affinity: `${name}-group` } : {}),
        });
      });
    });
  });
  const org = {
    name: 'Random Organisation',
    domain: 'random.example.org',
    admin: {
      user: 'bootstrap',
      keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQTSJ7isih8vGp admin'],
    },
  };
  // Each release its own checksum: two images never share one.
  const image = (codename: string, release: string, digit: string) => ({
    url: `https://images.test.example.org/${codename}/20260101-1000/${release}-genericcloud-amd64-20260101-1000.qcow2`,
    sha512: digit.repeat(128),
  });
  const images = {
    'debian-12': image('bookworm', 'debian-12', 'c'),
    'debian-13': image('trixie', 'debian-13', 'd'),
  };
  const style = { collectionStyle: shape.flow ? ('flow' as const) : ('block' as const) };
  return {
    'org.yaml': stringify(org, style),
    'sites.yaml': stringify({ sites }, style),
    'networks.yaml': stringify({ networks }, style),
    'clusters.yaml': stringify({ clusters }, style),
    'vms.yaml': stringify({ vms }, style),
    'images.yaml': stringify({ images }, style),
  };
}

const root = mkdtempSync(join(tmpdir(), 'inventory-property-'));
let runs = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(texts: Texts): string {
  const dir = join(root, String(runs++));
  mkdirSync(dir);
  for (const file of FILES) writeFileSync(join(dir, file), texts[file]);
  return dir;
}

/** Keys whose absence the schemas always reject, wherever they appear. */
const REQUIRED = new Set(
  'name site purpose bridge location endpoint nodes storages bridges snippets backup storage cores memory local_disk host_keys type content pools size min_size application cluster node id os disks nics network domain admin user keys sites networks clusters vms images url sha512'.split(
    ' ',
  ),
);

type Step = string | number;
interface Places {
  readonly scalars: Step[][];
  readonly maps: Step[][];
  readonly required: Step[][];
}

/** Every scalar value, every mapping and every required key of a document, by path. */
function places(
  node: unknown,
  path: Step[] = [],
  out: Places = { scalars: [], maps: [], required: [] },
): Places {
  if (isMap(node)) {
    out.maps.push(path);
    for (const pair of node.items) {
      const key = String((pair.key as { value: unknown }).value);
      if (REQUIRED.has(key)) out.required.push([...path, key]);
      places(pair.value, [...path, key], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      places(item, [...path, i], out);
    });
  } else if (isScalar(node)) out.scalars.push(path);
  return out;
}

type Corruption = 'wrong-type' | 'delete-required' | 'unknown-key' | 'syntax';

interface Corrupted {
  readonly text: string;
  /** Path and line where the finding belongs; none for a syntax error, whose place the parser decides. */
  readonly expect?: { readonly path: string; readonly line: number };
}

/** Where a node of the corrupted text starts, 1-based. */
function lineOf(text: string, path: Step[]): number {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node;
  return lines.linePos(node.range?.[0] ?? 0).line;
}

function corrupt(text: string, kind: Corruption, pick: number): Corrupted {
  const doc = parseDocument(text);
  const found = places(doc.contents);
  // An empty list (`vms: []`) has no scalar to spoil: add an unknown key instead.
  if (kind === 'wrong-type' && found.scalars.length === 0) return corrupt(text, 'unknown-key', pick);
  if (kind === 'wrong-type') {
    const path = found.scalars[pick % found.scalars.length]!;
    const value = doc.getIn(path);
    // Numbers get text, text gets a number, booleans get text: each is the wrong type for its field.
    doc.setIn(path, typeof value === 'string' ? 12345 : 'not-the-right-type');
    const out = doc.toString();
    return { text: out, expect: { path: formatPath(path), line: lineOf(out, path) } };
  }
  if (kind === 'delete-required') {
    const path = found.required[pick % found.required.length]!;
    doc.deleteIn(path);
    const out = doc.toString();
    // A missing field is shown where its mapping starts.
    return { text: out, expect: { path: formatPath(path), line: lineOf(out, path.slice(0, -1)) } };
  }
  if (kind === 'unknown-key') {
    const path = found.maps[pick % found.maps.length]!;
    const key = 'zz_unknown';
    if (path.length === 0) doc.set(key, 1);
    else doc.setIn([...path, key], 1);
    const out = doc.toString();
    return { text: out, expect: { path: formatPath([...path, key]), line: lineOf(out, [...path, key]) } };
  }
  // An unbalanced bracket on a line of its own, at column 1: wrong in block and in flow style alike.
  const lines = text.split('\n');
  const at = pick % lines.length;
  lines.splice(at, 0, pick % 2 === 0 ? '[' : ']');
  return { text: lines.join('\n') };
}

describe('random valid inventories', () => {
  it('always load with no errors', () => {
    fc.assert(
      fc.property(orgShape, (shape) => {
        const result = loadInventory(write(build(shape)));
        expect(result.errors).toEqual([]);
        expect(result.inventory?.sites).toHaveLength(shape.sites.length);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});

describe('a valid inventory with one random corruption', () => {
  it('is always reported, at a line and column inside an existing file, and never throws', () => {
    fc.assert(
      fc.property(
        orgShape,
        fc.constantFrom(...FILES),
        fc.constantFrom<Corruption>('wrong-type', 'delete-required', 'unknown-key', 'syntax'),
        fc.nat(),
        (shape, file, kind, pick) => {
          const texts = build(shape);
          const broken = corrupt(texts[file], kind, pick);
          const dir = write({ ...texts, [file]: broken.text });
          const result = loadInventory(dir);
          expect(result.inventory).toBeUndefined();
          expect(result.errors.length).toBeGreaterThanOrEqual(1);
          for (const error of result.errors) {
            const lines = readFileSync(error.file, 'utf8').split('\n');
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.col).toBeGreaterThanOrEqual(1);
            expect(error.line).toBeLessThanOrEqual(lines.length);
          }
          const here = result.errors.filter((e) => e.file === join(dir, file));
          expect(here.length, `no error in the corrupted ${file}`).toBeGreaterThanOrEqual(1);
          if (broken.expect) {
            expect(here.map((e) => ({ path: e.path, line: e.line }))).toContainEqual(broken.expect);
          }
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
