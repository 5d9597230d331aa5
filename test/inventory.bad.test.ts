// Every kind of bad inventory is reported as exact `FILE:LINE:COL  path  message` lines, never thrown.
// The cases live as plain YAML under test/fixtures/inventory/<case>/, made from base/ by generate.ts.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { CASES, caseFiles, type FILES, FIXTURES } from './fixtures/inventory/generate.ts';

/** The fixture directory as the CLI would show it, relative to the repository root. */
const shown = (name: string): string => relative(process.cwd(), join(FIXTURES, name));

function report(dir: string): string[] {
  const result = loadInventory(dir);
  return [...result.errors, ...result.warnings].map(formatFinding);
}

/** Expected findings per case, each line relative to the case directory. */
const BAD: Readonly<Record<string, { what: string; lines: readonly string[] }>> = {
  'yaml-syntax': {
    what: 'reports a YAML syntax error at the "[" that is never closed, not where the parser gave up',
    lines: [
      'vms.yaml:23:12  vms[1].disks  YAML syntax error (BAD_INDENT): "[" is not closed; expected "]" before line 24',
    ],
  },
  'duplicate-key': {
    what: 'reports a duplicate key at its second occurrence, naming the line of the first',
    lines: ['vms.yaml:35:5  vms[2].cores  duplicate key "cores" (first at line 34); expected each key once'],
  },
  'wrong-type': {
    what: 'reports text where a number belongs',
    lines: ['clusters.yaml:13:16  clusters[0].nodes[1].cores  "eight" is text; expected a number'],
  },
  'unknown-key': {
    what: 'reports an unknown field at its key and suggests the field that was probably meant',
    lines: ['vms.yaml:42:5  vms[2].protect  unknown field "protect"; did you mean "protected"?'],
  },
  'missing-field': {
    what: 'reports a missing field at the entry that lacks it, with the values it may take',
    lines: ['vms.yaml:67:5  vms[5].os  is missing; expected one of "debian-12", "debian-13", "other"'],
  },
  'enum-value': {
    what: 'reports a value outside an enum (os: ubuntu) with the allowed values',
    lines: [
      'vms.yaml:49:9  vms[3].os  "ubuntu" is not allowed; expected one of "debian-12", "debian-13", "other"',
    ],
  },
  'bad-ipv4': {
    what: 'reports "192.0.2.300" as not an IPv4 address',
    lines: ['vms.yaml:27:15  vms[1].nics[0].ipv4  "192.0.2.300" is not an IPv4 address'],
  },
  'bad-ipv6': {
    what: 'reports an IPv6 address with two "::" as not an IPv6 address',
    lines: ['vms.yaml:40:15  vms[2].nics[0].ipv6  "2001:db8::1::c" is not an IPv6 address'],
  },
  'prefix-host-bits': {
    what: 'rejects a prefix with host bits set',
    lines: [
      'networks.yaml:22:11  networks[2].ipv4  "198.51.100.5/28" has host bits set; expected the network address, 198.51.100.0/28',
    ],
  },
  'source-prefix-host-bits': {
    what: 'points at the one bad source prefix of a firewall port, in its flow sequence, with the prefix meant',
    lines: [
      'vms.yaml:43:62  vms[2].extra_ports[0].sources[1]  "2001:db8:3::f/64" has host bits set; expected the network address, 2001:db8:3::/64',
    ],
  },
  'vm-id-too-small': {
    what: 'rejects a VM id below 100 (ids under 100 are reserved by Proxmox)',
    lines: ['vms.yaml:59:9  vms[4].id  99 is too small; expected at least 100'],
  },
  'duplicate-vm-name': {
    what: 'reports a VM name defined twice at the second definition',
    lines: [
      'vms.yaml:56:11  vms[4].name  VM "git" is defined twice (first at vms[2]); expected unique names',
    ],
  },
  'duplicate-vm-id': {
    what: 'reports a VM id used twice, naming the VM that has it',
    lines: ['vms.yaml:46:9  vms[3].id  VM id 102 is already used by "proxy2"; expected unique ids'],
  },
  'unknown-cluster': {
    what: 'reports a VM on a cluster that does not exist, listing the clusters',
    lines: [
      'vms.yaml:68:14  vms[5].cluster  cluster "sollo" is not in clusters.yaml; expected one of ceph, solo',
    ],
  },
  'unknown-node': {
    what: 'reports a VM on a node its cluster lacks, listing the nodes',
    lines: [
      'vms.yaml:45:11  vms[3].node  node "node4" is not in cluster "ceph"; expected one of node1, node2, node3',
    ],
  },
  'unknown-storage': {
    what: 'reports a disk on a storage its cluster lacks, pointing into the flow mapping',
    lines: [
      'vms.yaml:50:56  vms[3].disks[1].storage  storage "ceph-data" is not in cluster "ceph"; expected one of ceph-vm, cephfs, local-zfs',
    ],
  },
  'unknown-network': {
    what: 'reports a NIC on a network that does not exist, listing the networks at the site',
    lines: [
      'vms.yaml:76:18  vms[5].nics[0].network  network "two-internal" is not in networks.yaml; expected one of two-public, two-mgmt',
    ],
  },
  'address-outside-prefix': {
    what: 'reports an address outside the prefix of its network',
    lines: [
      'vms.yaml:66:15  vms[4].nics[0].ipv6  "2001:db8:5::e" is outside 2001:db8:1::/64 of network "one-public"; expected an address inside it',
    ],
  },
  'network-address': {
    what: 'reports the IPv4 network address given to a VM',
    lines: [
      'vms.yaml:78:15  vms[5].nics[0].ipv4  "198.51.100.0" is the network address of 198.51.100.0/28; expected a host address',
    ],
  },
  'broadcast-address': {
    what: 'reports the IPv4 broadcast address given to a VM',
    lines: [
      'vms.yaml:27:15  vms[1].nics[0].ipv4  "192.0.2.63" is the broadcast address of 192.0.2.0/26; expected a host address',
    ],
  },
  'gateway-reused': {
    what: 'reports a VM that takes the gateway address of its network',
    lines: [
      'vms.yaml:13:15  vms[0].nics[0].ipv4  "192.0.2.1" is already used by the gateway of network "one-public"; expected a free address',
    ],
  },
  'address-used-twice': {
    what: 'reports an address used twice, even when written differently (2001:db8:1:0::a)',
    lines: [
      'vms.yaml:53:15  vms[3].nics[0].ipv6  "2001:db8:1::a" is already used by VM "proxy1"; expected a free address',
    ],
  },
  'overlapping-prefixes': {
    what: 'reports overlapping prefixes of two networks',
    lines: [
      'networks.yaml:16:11  networks[1].ipv4  192.0.2.32/27 overlaps 192.0.2.0/26 of network "one-public"; expected disjoint prefixes',
    ],
  },
  'ha-local-storage': {
    what: 'reports an HA VM whose disk is on node-local storage',
    lines: [
      'vms.yaml:37:24  vms[2].disks[0].storage  ha: true needs shared storage, but "local-zfs" is zfspool (local to one node); expected a Ceph (rbd) storage',
    ],
  },
  'anti-affinity-same-node': {
    what: 'reports two VMs of one anti-affinity group on the same node',
    lines: [
      'vms.yaml:18:11  vms[1].node  "node1" also hosts "proxy1" of anti-affinity group "proxy"; expected another node',
    ],
  },
  'anti-affinity-group-too-large': {
    what: 'reports an anti-affinity group larger than its cluster, and the failovers it makes impossible',
    lines: [
      'clusters.yaml:6:9  clusters[0].nodes[0]  N+1 broken in cluster "ceph": if node "node1" fails, HA VMs git, proxy1 find no node outside their anti-affinity group',
      'clusters.yaml:12:9  clusters[0].nodes[1]  N+1 broken in cluster "ceph": if node "node2" fails, HA VM proxy2 finds no node outside its anti-affinity group',
      'clusters.yaml:18:9  clusters[0].nodes[2]  N+1 broken in cluster "ceph": if node "node3" fails, HA VM db finds no node outside its anti-affinity group',
      'vms.yaml:57:20  vms[3].anti_affinity  group "proxy" has 4 VMs in cluster "ceph", which has 3 nodes; expected at most one VM of the group per node',
    ],
  },
  'node-memory-over-capacity': {
    what: 'reports a node whose VMs need more memory than it has after the reserve',
    lines: [
      'clusters.yaml:12:9  clusters[0].nodes[1]  node "node2" has 60 GiB of VMs but 56 GiB usable (RAM less 8 GiB reserve); expected VM memory within capacity',
    ],
  },
  'n-plus-one-broken': {
    what: 'reports broken N+1 with the failed node, the stranded HA VM and the shortfall',
    lines: [
      'clusters.yaml:18:9  clusters[0].nodes[2]  N+1 broken in cluster "ceph": if node "node3" fails, HA VM db finds no node with room (short by 50 GiB)',
    ],
  },
  'node-without-host-keys': {
    what: 'reports a node without SSH host keys, which the provider would have to trust on first use',
    lines: [
      'clusters.yaml:39:9  clusters[1].nodes[0].host_keys  is missing; expected a list',
      'clusters.yaml:44:9  clusters[1].nodes[0].keys  unknown field "keys"; expected one of: name, cores, memory, local_disk, ipv6, ipv4, host_keys',
    ],
  },
  'image-without-checksum': {
    what: 'refuses an image without a checksum',
    lines: ['images.yaml:7:5  images.debian-13.sha512  is missing; expected text'],
  },
  'image-checksum-malformed': {
    what: 'refuses a checksum that is not 128 hexadecimal digits, saying how many it has',
    lines: [
      `images.yaml:5:13  images.debian-12.sha512  "${'12'.repeat(31)}abcd" is not a SHA-512 checksum: it has 66 hexadecimal digits; expected 128 lower-case hexadecimal digits, as in the release's SHA512SUMS`,
    ],
  },
  'image-latest-url': {
    what: 'refuses a moving "latest" image URL',
    lines: [
      'images.yaml:4:10  images.debian-12.url  "https://images.test.example.org/bookworm/latest/debian-12-genericcloud-amd64.qco"… is not a dated release URL; expected https://.../bookworm/20260923-2610/debian-12-genericcloud-amd64-20260923-2610.qcow2 (never latest/ or daily/)',
    ],
  },
  'image-not-pinned': {
    what: 'reports a VM whose release has no pinned image, at its os',
    lines: [
      'vms.yaml:49:9  vms[3].os  debian-13 has no pinned image; expected "debian-13: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml',
    ],
  },
  'missing-file': {
    what: 'reports a missing inventory file',
    lines: ['sites.yaml:1:1  (file)  is missing; expected a "sites:" list'],
  },
  'three-errors': {
    what: 'reports all three errors of one inventory, sorted by file and then line',
    lines: [
      'clusters.yaml:41:17  clusters[1].nodes[0].memory  -32 is too small; expected more than 0',
      'networks.yaml:28:11  networks[3].vlan  5000 is too large; expected at most 4094',
      'vms.yaml:73:9  vms[5].os  "debian" is not allowed; expected one of "debian-12", "debian-13", "other"',
    ],
  },
};

describe('the base fixture', () => {
  it('is a valid inventory with no warnings, so each case shows only its own errors', () => {
    const result = loadInventory(join(FIXTURES, 'base'));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.inventory?.vms).toHaveLength(6);
  });

  it('has one case directory per generated case, each exactly what generate.ts makes of base/', () => {
    const dirs = readdirSync(FIXTURES, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'base')
      .map((e) => e.name);
    expect(dirs.sort()).toEqual(Object.keys(CASES).sort());
    expect(Object.keys(BAD).sort()).toEqual(Object.keys(CASES).sort());
    for (const name of dirs) {
      const present = readdirSync(join(FIXTURES, name)).sort();
      const files = caseFiles(name);
      expect(present, name).toEqual([...files.keys()].filter((f) => files.get(f) !== undefined).sort());
      for (const file of present) {
        expect(readFileSync(join(FIXTURES, name, file), 'utf8'), `${name}/${file}: run generate.ts`).toBe(
          files.get(file as (typeof FILES)[number]),
        );
      }
    }
  });
});

describe('a bad inventory', () => {
  for (const [name, { what, lines }] of Object.entries(BAD)) {
    it(`${what} (${name})`, () => {
      const dir = shown(name);
      let result: ReturnType<typeof loadInventory> | undefined;
      expect(() => {
        result = loadInventory(dir);
      }).not.toThrow();
      expect(result?.inventory).toBeUndefined();
      expect(report(dir)).toEqual(lines.map((line) => `${dir}/${line}`));
    });
  }

  it('is reported in file order even though the loader reads networks.yaml before clusters.yaml', () => {
    const files = report(shown('three-errors')).map((line) => line.split(':')[0]!.split('/').pop());
    expect(files).toEqual(['clusters.yaml', 'networks.yaml', 'vms.yaml']);
  });
});

describe('input the YAML parser itself chokes on', () => {
  const root = mkdtempSync(join(tmpdir(), 'inventory-bad-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** base/ with one file replaced (or turned into a directory); findings relative to the copy. */
  function variant(name: string, file: (typeof FILES)[number], text: string | 'directory'): string[] {
    const dir = join(root, name);
    cpSync(join(FIXTURES, 'base'), dir, { recursive: true });
    if (text === 'directory') {
      rmSync(join(dir, file));
      mkdirSync(join(dir, file));
    } else writeFileSync(join(dir, file), text);
    let lines: string[] = [];
    expect(() => {
      lines = report(dir);
    }).not.toThrow();
    return lines.map((line) => line.replace(`${dir}/`, ''));
  }

  it('reports an alias without an anchor instead of throwing', () => {
    expect(variant('alias', 'sites.yaml', 'sites:\n  - name: one\n    location: *nowhere\n')).toEqual([
      'sites.yaml:3:15  sites[0].location  YAML error: alias *nowhere has no anchor &nowhere before it; expected an anchor defined earlier in the file',
    ]);
  });

  it('reports an alias bomb ("billion laughs") instead of expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(variant('bomb', 'org.yaml', `${levels.join('\n')}\n`)).toEqual([
      'org.yaml:1:1  (file)  YAML error: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  it('reports an unclosed quote at the opening quote', () => {
    expect(variant('quote', 'sites.yaml', 'sites:\n  - name: "one\n    location: Berlin\n')).toEqual([
      'sites.yaml:2:11  sites[0].name  YAML syntax error (MISSING_CHAR): the quote " is not closed; expected a closing "',
    ]);
  });

  it('reports a second YAML document in one file', () => {
    expect(variant('two-docs', 'sites.yaml', 'sites: []\n---\nsites: []\n')).toEqual([
      'sites.yaml:2:1  (file)  YAML syntax error (MULTIPLE_DOCS): a second document starts here; expected one document per file',
    ]);
  });

  it('reports an empty file as missing its fields', () => {
    expect(variant('empty', 'sites.yaml', '')).toEqual([
      'sites.yaml:1:1  sites  is missing; expected a list',
    ]);
  });

  it('reports a list where the file should hold a mapping', () => {
    expect(variant('top-level-list', 'sites.yaml', '- name: one\n')).toEqual([
      'sites.yaml:1:1  (file)  holds a list, not a mapping of fields; expected a "sites:" list',
    ]);
  });

  it('reports an unreadable file (a directory named vms.yaml)', () => {
    expect(variant('unreadable', 'vms.yaml', 'directory')).toEqual([
      'vms.yaml:1:1  (file)  is not a regular file (a directory, device or pipe); expected a YAML file',
    ]);
  });

  it('reports a missing inventory directory', () => {
    const dir = join(root, 'nowhere');
    expect(report(dir)).toEqual([
      `${dir}:1:1  (directory)  does not exist; expected the inventory directory`,
    ]);
  });
});
