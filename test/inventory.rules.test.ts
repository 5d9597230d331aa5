// Each rule of inventory/rules/ on its own: silent on the fixture organisation, and one located finding
// for the one mistake it is about (the fixture changed in memory, located in the fixture's files).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Finding, formatFinding } from '../inventory/findings.ts';
import { type Inventory, parseInventory, readInventory } from '../inventory/inventory.ts';
import { addressUsedTwice } from '../inventory/rules/address-used-twice.ts';
import { antiAffinityBroken } from '../inventory/rules/anti-affinity-broken.ts';
import { cephStorageMismatch } from '../inventory/rules/ceph-storage-mismatch.ts';
import { diskOnUnfitStorage } from '../inventory/rules/disk-on-unfit-storage.ts';
import { gatewayOutsidePrefix } from '../inventory/rules/gateway-outside-prefix.ts';
import { haOnSingleNode } from '../inventory/rules/ha-on-single-node.ts';
import { INVENTORY_RULES, memberRules } from '../inventory/rules/index.ts';
import { networkWithoutPrefix } from '../inventory/rules/network-without-prefix.ts';
import { nicOnForeignNetwork } from '../inventory/rules/nic-on-foreign-network.ts';
import { nodeDefinedTwice } from '../inventory/rules/node-defined-twice.ts';
import { nodeOutsideManagement } from '../inventory/rules/node-outside-management.ts';
import { osWithoutImage } from '../inventory/rules/os-without-image.ts';
import { overlappingPrefixes } from '../inventory/rules/overlapping-prefixes.ts';
import { storageDefinedTwice } from '../inventory/rules/storage-defined-twice.ts';
import { unfitSnippetsOrBackupStorage } from '../inventory/rules/unfit-snippets-or-backup-storage.ts';
import { unknownPlacement } from '../inventory/rules/unknown-placement.ts';
import { unknownSite } from '../inventory/rules/unknown-site.ts';
import { unsafeCephPool } from '../inventory/rules/unsafe-ceph-pool.ts';
import { vmAddressOutsidePrefix } from '../inventory/rules/vm-address-outside-prefix.ts';
import { vmIdUsedTwice } from '../inventory/rules/vm-id-used-twice.ts';
import { FIXTURES } from './fixtures/inventory/generate.ts';
import { deriveModel } from '../model/derive.ts';
import { type ModelRuleInput, RESOLVED_RULES } from '../model/load.ts';
import { nPlusOneBroken } from '../inventory/rules/n-plus-one-broken.ts';
import { imageChecksumUsedTwice } from '../inventory/rules/image-checksum-used-twice.ts';
import { imageReleaseMismatch } from '../inventory/rules/image-release-mismatch.ts';
import { nodeOverCapacity } from '../inventory/rules/node-over-capacity.ts';
import { rebootTurnsClash } from '../inventory/rules/reboot-turns-clash.ts';
import type { Rule } from '../inventory/rules/rule.ts';
import { uniqueNames } from '../inventory/rules/unique-names.ts';
import { FIXTURE } from './helpers/inventories.ts';

const read = readInventory(FIXTURE);
const fixture = read.inventory!;

/** Runs one rule on the fixture (changed by `change`), with the model derived from it as model/load.ts does. */
function run(
  rule: (input: ModelRuleInput) => Finding[],
  change: (inv: Inventory) => Inventory = (inv) => inv,
): string[] {
  const model = deriveModel(change(fixture));
  const { inventory, services, rebootProblems } = model;
  return rule({ inventory, sources: read.sources, services, rebootProblems }).map(formatFinding);
}

const vms = (
  inv: Inventory,
  edit: (vm: Inventory['vms'][number]) => Inventory['vms'][number],
): Inventory => ({
  ...inv,
  vms: inv.vms.map(edit),
});

describe('inventory rules', () => {
  it('are each a file of inventory/rules/ named after what it forbids, and all in the list', () => {
    const files = readdirSync('inventory/rules').filter(
      (f) => !['index.ts', 'rule.ts', 'types.ts', 'placed-vms.ts'].includes(f),
    );
    expect(files.sort()).toEqual([
      'address-used-twice.ts',
      'anti-affinity-broken.ts',
      'ceph-storage-mismatch.ts',
      'derived-zone-listed.ts',
      'disk-on-unfit-storage.ts',
      'duplicate-member.ts',
      'duplicate-role.ts',
      'forge-login-used-twice.ts',
      'gateway-outside-prefix.ts',
      'ha-on-single-node.ts',
      'image-checksum-used-twice.ts',
      'image-release-mismatch.ts',
      'key-of-two-identities.ts',
      'key-used-twice.ts',
      'membership-expired.ts',
      'n-plus-one-broken.ts',
      'network-without-prefix.ts',
      'nic-on-foreign-network.ts',
      'no-admin-left.ts',
      'node-defined-twice.ts',
      'node-outside-management.ts',
      'node-over-capacity.ts',
      'os-without-image.ts',
      'overlapping-prefixes.ts',
      'proxmox-path-matches-nothing.ts',
      'reboot-turns-clash.ts',
      'reserved-user.ts',
      'secret-reader-without-age-key.ts',
      'sponsor-lacks-role.ts',
      'sponsor-not-member.ts',
      'ssh-selector-matches-nothing.ts',
      'storage-defined-twice.ts',
      'system-account-taken.ts',
      'unfit-snippets-or-backup-storage.ts',
      'unique-names.ts',
      'unknown-placement.ts',
      'unknown-role.ts',
      'unknown-site.ts',
      'unsafe-ceph-pool.ts',
      'vm-address-outside-prefix.ts',
      'vm-id-used-twice.ts',
      'vm-name-taken-by-stack.ts',
      'zone-listed-twice.ts',
    ]);
    // Every file but reboot-turns-clash (which runs with the catalog's rules) and the member and role rules
    // (members.rules.test.ts; they judge expiry against a day, a list of their own) is in the inventory's list.
    expect(memberRules).toHaveLength(15);
    expect(INVENTORY_RULES).toHaveLength(files.length - 1 - memberRules.length);
    expect(new Set(INVENTORY_RULES).size).toBe(INVENTORY_RULES.length);
    expect(INVENTORY_RULES).toEqual(
      expect.arrayContaining([
        uniqueNames,
        nodeOverCapacity,
        nPlusOneBroken,
        ...Object.keys(ON_BAD_FIXTURE).map(byName),
      ]),
    );
    expect(RESOLVED_RULES).toContain(rebootTurnsClash);
  });

  it('find nothing on the fixture organisation', () => {
    for (const rule of [...INVENTORY_RULES, ...RESOLVED_RULES]) expect(run(rule)).toEqual([]);
  });

  it('image-release-mismatch: a debian-12 entry with the URL of Debian 13, or of no release', () => {
    const d13 = fixture.images['debian-13']!;
    expect(
      run(imageReleaseMismatch, (inv) => ({ ...inv, images: { ...inv.images, 'debian-12': d13 } })),
    ).toEqual([
      `${FIXTURE}/images.yaml:4:10  images.debian-12.url  is the image of trixie (debian-13), not debian-12; expected a URL of debian-12 (with "bookworm" or "debian-12" in its path)`,
    ]);
    const plain = {
      ...d13,
      url: 'https://images.fixture.example.org/x/20260101-1000/disk-20260101-1000.qcow2',
    };
    expect(
      run(imageReleaseMismatch, (inv) => ({ ...inv, images: { ...inv.images, 'debian-13': plain } })),
    ).toEqual([
      `${FIXTURE}/images.yaml:7:10  images.debian-13.url  names no Debian release; expected a URL of debian-13 (with "trixie" or "debian-13" in its path)`,
    ]);
  });

  it('image-checksum-used-twice: two releases with one SHA-512', () => {
    const sha512 = fixture.images['debian-12']!.sha512;
    expect(
      run(imageChecksumUsedTwice, (inv) => ({
        ...inv,
        images: { ...inv.images, 'debian-13': { ...inv.images['debian-13']!, sha512 } },
      })),
    ).toEqual([
      `${FIXTURE}/images.yaml:8:13  images.debian-13.sha512  is the checksum of the debian-12 image too; expected each image's own SHA-512 from its release's SHA512SUMS`,
    ]);
  });

  it('unique-names: a VM name used twice', () => {
    expect(
      run(uniqueNames, (inv) => vms(inv, (vm) => (vm.name === 'db2' ? { ...vm, name: 'db1' } : vm))),
    ).toEqual([
      `${FIXTURE}/vms.yaml:67:11  vms[4].name  VM "db1" is defined twice (first at vms[3]); expected unique names`,
    ]);
  });

  it('node-over-capacity: more vCPUs than the overcommit allows, and a node near its memory', () => {
    expect(
      run(nodeOverCapacity, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, cores: 30 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  node "node1" has 34 vCPUs on 8 cores, above the overcommit ratio 4; expected at most 32 vCPUs`,
    ]);
    expect(
      run(nodeOverCapacity, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, memory: 42 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  warning: node "node1" is 89% committed (50 GiB of 56 GiB), above 85%`,
    ]);
  });

  it('n-plus-one-broken: the HA VMs of a failed node find no room', () => {
    expect(
      run(nPlusOneBroken, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, memory: 40 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  N+1 broken in cluster "ceph": if node "node1" fails, HA VM git finds no node with room (short by 40 GiB)`,
      // node1 is now too full to take the replica db2, whose group keeps it off node3 (db1).
      `${FIXTURE}/clusters.yaml:8:9  clusters[0].nodes[1]  N+1 broken in cluster "ceph": if node "node2" fails, HA VM db2 finds no node outside its anti-affinity group`,
      `${FIXTURE}/clusters.yaml:9:9  clusters[0].nodes[2]  N+1 broken in cluster "ceph": if node "node3" fails, HA VM db1 finds no node outside its anti-affinity group`,
    ]);
  });

  it('reboot-turns-clash: two VMs of one group whose windows put their reboots too close', () => {
    expect(
      run(rebootTurnsClash, (inv) =>
        vms(inv, (vm) => (vm.name === 'proxy2' ? { ...vm, reboot_window: '02:40-05:00' } : vm)),
      ),
    ).toEqual([
      `${FIXTURE}/vms.yaml:21:5  vms[1].reboot_window  reboots at 03:10, 10 minutes from "proxy1" of group "proxy" at 03:00; expected at least 30 minutes apart`,
    ]);
  });
});

/** The rules by their file's name. */
const RULES: Readonly<Record<string, Rule>> = {
  'address-used-twice': addressUsedTwice,
  'anti-affinity-broken': antiAffinityBroken,
  'ceph-storage-mismatch': cephStorageMismatch,
  'disk-on-unfit-storage': diskOnUnfitStorage,
  'gateway-outside-prefix': gatewayOutsidePrefix,
  'ha-on-single-node': haOnSingleNode,
  'network-without-prefix': networkWithoutPrefix,
  'nic-on-foreign-network': nicOnForeignNetwork,
  'node-defined-twice': nodeDefinedTwice,
  'node-outside-management': nodeOutsideManagement,
  'os-without-image': osWithoutImage,
  'overlapping-prefixes': overlappingPrefixes,
  'storage-defined-twice': storageDefinedTwice,
  'unfit-snippets-or-backup-storage': unfitSnippetsOrBackupStorage,
  'unknown-placement': unknownPlacement,
  'unknown-site': unknownSite,
  'unsafe-ceph-pool': unsafeCephPool,
  'vm-address-outside-prefix': vmAddressOutsidePrefix,
  'vm-id-used-twice': vmIdUsedTwice,
};
function byName(name: string): Rule {
  const rule = RULES[name];
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
}

/**
 * The bad inventories of test/fixtures/inventory/ (whose exact lines inventory.bad.test.ts pins) that make
 * a mistake of one rule: that rule, run alone on the parsed files, finds the loader's findings for it.
 */
// (anti-affinity-group-too-large also breaks N+1: the rule's finding is one of the loader's four.)
const ON_BAD_FIXTURE: Readonly<Record<string, readonly string[]>> = {
  'address-used-twice': ['address-used-twice', 'gateway-reused'],
  'anti-affinity-broken': ['anti-affinity-same-node', 'anti-affinity-group-too-large'],
  'disk-on-unfit-storage': ['unknown-storage', 'ha-local-storage'],
  'nic-on-foreign-network': ['unknown-network'],
  'overlapping-prefixes': ['overlapping-prefixes'],
  'unknown-placement': ['unknown-cluster', 'unknown-node'],
  'vm-address-outside-prefix': ['address-outside-prefix', 'network-address', 'broadcast-address'],
  'vm-id-used-twice': ['duplicate-vm-id'],
};

describe('inventory rules on the bad inventories of test/fixtures/inventory/', () => {
  for (const [name, cases] of Object.entries(ON_BAD_FIXTURE))
    for (const dir of cases)
      it(`${name}: ${dir}`, () => {
        const path = `${FIXTURES}/${dir}`;
        const parsed = parseInventory(path);
        expect(parsed.errors).toEqual([]);
        const alone = byName(name)({ inventory: parsed.inventory!, sources: parsed.sources }).map(
          formatFinding,
        );
        const all = readInventory(path);
        expect(alone.length).toBeGreaterThan(0);
        expect([...all.errors, ...all.warnings].map(formatFinding)).toEqual(expect.arrayContaining(alone));
      });
});

const networks = (
  inv: Inventory,
  edit: (n: Inventory['networks'][number]) => Inventory['networks'][number],
) => ({
  ...inv,
  networks: inv.networks.map(edit),
});
const clusters = (
  inv: Inventory,
  edit: (c: Inventory['clusters'][number]) => Inventory['clusters'][number],
) => ({
  ...inv,
  clusters: inv.clusters.map(edit),
});
const solo =
  (edit: (c: Inventory['clusters'][number]) => Inventory['clusters'][number]) => (inv: Inventory) =>
    clusters(inv, (c) => (c.name === 'solo' ? edit(c) : c));
const ceph =
  (edit: (c: Inventory['clusters'][number]) => Inventory['clusters'][number]) => (inv: Inventory) =>
    clusters(inv, (c) => (c.name === 'ceph' ? edit(c) : c));

/** The mistakes no bad fixture makes: the fixture organisation changed in memory, one rule at a time. */
const IN_MEMORY: readonly [name: string, change: (inv: Inventory) => Inventory][] = [
  ['unknown-site', (inv) => networks(inv, (n) => (n.name === 'two-mgmt' ? { ...n, site: 'three' } : n))],
  [
    'network-without-prefix',
    (inv) => networks(inv, (n) => (n.name === 'one-internal' ? { ...n, ipv6: undefined } : n)),
  ],
  [
    'gateway-outside-prefix',
    (inv) => networks(inv, (n) => (n.name === 'two-public' ? { ...n, gateway4: '198.51.100.15' } : n)),
  ],
  ['storage-defined-twice', solo((c) => ({ ...c, storages: [...c.storages, c.storages[0]!] }))],
  [
    'unsafe-ceph-pool',
    ceph((c) => ({
      ...c,
      ceph: { ...c.ceph!, pools: c.ceph!.pools.map((p) => ({ ...p, size: 4, min_size: 1 })) },
    })),
  ],
  [
    'ceph-storage-mismatch',
    ceph((c) => ({ ...c, storages: c.storages.map((s) => ({ ...s, pool: 'fs-data' })) })),
  ],
  [
    'unfit-snippets-or-backup-storage',
    solo((c) => ({ ...c, snippets: 'local-zfs', backup: { ...c.backup, storage: 'nas' } })),
  ],
  ['node-defined-twice', solo((c) => ({ ...c, nodes: c.nodes.map((n) => ({ ...n, name: 'node1' })) }))],
  [
    'node-outside-management',
    solo((c) => ({ ...c, nodes: c.nodes.map((n) => ({ ...n, ipv6: '2001:db8:3::11' })) })),
  ],
  ['os-without-image', (inv) => ({ ...inv, images: { 'debian-12': inv.images['debian-12']! } })],
  [
    'ha-on-single-node',
    (inv) =>
      vms(inv, (vm) =>
        vm.name === inv.vms.find((v) => v.cluster === 'solo')?.name ? { ...vm, ha: true } : vm,
      ),
  ],
];

/** What each mistake made in memory gives, exactly. */
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  'ceph-storage-mismatch': [
    `${FIXTURE}/clusters.yaml:16:9  clusters[0].storages[1].pool  only rbd storages name a Ceph pool; cephfs does not`,
    `${FIXTURE}/clusters.yaml:17:9  clusters[0].storages[2].pool  only rbd storages name a Ceph pool; zfspool does not`,
  ],
  'gateway-outside-prefix': [
    `${FIXTURE}/networks.yaml:31:15  networks[3].gateway4  "198.51.100.15" is the broadcast address of 198.51.100.0/28`,
  ],
  'ha-on-single-node': [
    `${FIXTURE}/vms.yaml:159:5  vms[10].ha  ha: true needs a cluster of two or more nodes; "solo" has one`,
  ],
  'network-without-prefix': [
    `${FIXTURE}/networks.yaml:11:5  networks[1]  network "one-internal" has no prefix; expected ipv6 and/or ipv4`,
  ],
  'node-defined-twice': [
    `${FIXTURE}/clusters.yaml:25:17  clusters[1].nodes[0].name  node "node1" is defined twice (also in cluster "ceph"); expected unique node names`,
  ],
  'node-outside-management': [
    `${FIXTURE}/clusters.yaml:25:70  clusters[1].nodes[0].ipv6  "2001:db8:3::11" is not inside a management network of site "two"; expected an address in 2001:db8:4::/64`,
  ],
  'os-without-image': [
    `${FIXTURE}/vms.yaml:57:9  vms[3].os  debian-13 has no pinned image; expected "debian-13: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml`,
    `${FIXTURE}/vms.yaml:73:9  vms[4].os  debian-13 has no pinned image; expected "debian-13: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml`,
  ],
  'storage-defined-twice': [
    `${FIXTURE}/clusters.yaml:27:7  clusters[1].storages[2].name  storage "local-zfs" is defined twice (first at storages[0]); expected unique names`,
  ],
  'unfit-snippets-or-backup-storage': [
    `${FIXTURE}/clusters.yaml:30:15  clusters[1].snippets  storage "local-zfs" lacks content "snippets"; expected a storage that holds cloud-init snippets and imported images`,
    `${FIXTURE}/clusters.yaml:30:15  clusters[1].snippets  storage "local-zfs" lacks content "import"; expected a storage that holds cloud-init snippets and imported images`,
    `${FIXTURE}/clusters.yaml:31:24  clusters[1].backup.storage  storage "nas" is not in this cluster's storages`,
  ],
  'unknown-site': [
    `${FIXTURE}/networks.yaml:33:11  networks[4].site  site "three" is not in sites.yaml; expected one of one, two`,
  ],
  'unsafe-ceph-pool': [
    `${FIXTURE}/clusters.yaml:12:34  clusters[0].ceph.pools[0].size  size 4 needs 4 nodes but cluster "ceph" has 3; expected size <= nodes`,
    `${FIXTURE}/clusters.yaml:12:47  clusters[0].ceph.pools[0].min_size  warning: min_size 1 accepts writes with a single copy; expected 2 or more`,
    `${FIXTURE}/clusters.yaml:13:34  clusters[0].ceph.pools[1].size  size 4 needs 4 nodes but cluster "ceph" has 3; expected size <= nodes`,
    `${FIXTURE}/clusters.yaml:13:47  clusters[0].ceph.pools[1].min_size  warning: min_size 1 accepts writes with a single copy; expected 2 or more`,
  ],
};

describe('inventory rules on mistakes made in memory', () => {
  it.each(IN_MEMORY)('%s', (name, change) => {
    const found = run(byName(name), change);
    expect(found).toEqual(EXPECTED[name]);
    expect(found.length).toBeGreaterThan(0);
  });
});
