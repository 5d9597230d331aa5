// What several inventory rules derive alike: the networks' parsed prefixes, the VMs whose cluster resolves,
// and every address the inventory claims (gateways, nodes, VM NICs), in the order they are claimed.
import type { Cluster } from './clusters.schema.ts';
import type { Path } from './findings.ts';
import type { Inventory } from './inventory.ts';
import { contains, type Family, parseAddress, type Prefix } from './net.ts';
import type { InventoryFile } from './rules/rule.ts';

/** Both families in the order the rules look at them. */
export const FAMILIES: readonly Family[] = [6, 4];

export const addressKey = (family: Family): 'ipv4' | 'ipv6' => (family === 4 ? 'ipv4' : 'ipv6');

export type OwnPrefixes = { 4?: Prefix; 6?: Prefix };

/** Each network's parsed prefixes, by name (a name given twice: the later network, as unique-names reports). */
export function networkPrefixes(inv: Inventory): Map<string, OwnPrefixes> {
  const out = new Map<string, OwnPrefixes>();
  for (const net of inv.networks) {
    const own: OwnPrefixes = {};
    for (const family of FAMILIES) {
      const prefix = net[addressKey(family)];
      if (prefix) own[family] = prefix;
    }
    out.set(net.name, own);
  }
  return out;
}

export interface PlacedVm {
  readonly vm: Inventory['vms'][number];
  readonly index: number;
  readonly cluster: Cluster;
}

/** The VMs whose cluster is in clusters.yaml: the checks of disks, NICs and groups need the cluster. */
export function vmsOnKnownClusters(inv: Inventory): PlacedVm[] {
  const clusters = new Map(inv.clusters.map((c) => [c.name, c]));
  return inv.vms.flatMap((vm, index) => {
    const cluster = clusters.get(vm.cluster);
    return cluster ? [{ vm, index, cluster }] : [];
  });
}

/** An address the inventory gives to a gateway, a node or a VM. */
export interface Claim {
  readonly kind: 'gateway' | 'node' | 'vm';
  readonly family: Family;
  readonly address: bigint;
  readonly text: string;
  /** Who holds it, as a message names it. */
  readonly owner: string;
  readonly file: InventoryFile;
  readonly path: Path;
}

/** The management networks of a site whose prefix of `family` holds `address`. */
function inManagement(inv: Inventory, prefixes: Map<string, OwnPrefixes>, site: string) {
  const mgmt = inv.networks.filter((n) => n.site === site && n.purpose === 'management');
  return (family: Family, address: bigint): boolean =>
    mgmt.some((n) => {
      const prefix = prefixes.get(n.name)?.[family];
      return prefix !== undefined && contains(prefix, address);
    });
}

function gatewayClaims(inv: Inventory): Claim[] {
  return inv.networks.flatMap((net, i) =>
    FAMILIES.flatMap((family): Claim[] => {
      const key = family === 4 ? 'gateway4' : 'gateway6';
      const text = net[key];
      if (text === undefined || !net[addressKey(family)]) return [];
      const address = parseAddress(text, family)!;
      const owner = `the gateway of network "${net.name}"`;
      return [
        { kind: 'gateway', family, address, text, owner, file: 'networks', path: ['networks', i, key] },
      ];
    }),
  );
}

/** Node addresses inside a management network of their site; the others are node-outside-management's. */
function nodeClaims(inv: Inventory, prefixes: Map<string, OwnPrefixes>): Claim[] {
  return inv.clusters.flatMap((cluster, ci) => {
    const managed = inManagement(inv, prefixes, cluster.site);
    return cluster.nodes.flatMap((node, ni) =>
      FAMILIES.flatMap((family): Claim[] => {
        const key = addressKey(family);
        const text = node[key];
        if (text === undefined) return [];
        const address = parseAddress(text, family)!;
        if (!managed(family, address)) return [];
        const path: Path = ['clusters', ci, 'nodes', ni, key];
        return [
          { kind: 'node', family, address, text, owner: `node "${node.name}"`, file: 'clusters', path },
        ];
      }),
    );
  });
}

/** VM addresses inside their network's prefix; the others are vm-address-outside-prefix's. */
function vmClaims(inv: Inventory, prefixes: Map<string, OwnPrefixes>): Claim[] {
  const networks = new Set(inv.networks.map((n) => n.name));
  return vmsOnKnownClusters(inv).flatMap(({ vm, index }) =>
    vm.nics.flatMap((nic, ni) =>
      FAMILIES.flatMap((family): Claim[] => {
        const key = addressKey(family);
        const text = nic[key];
        const prefix = prefixes.get(nic.network)?.[family];
        if (text === undefined || !networks.has(nic.network) || !prefix) return [];
        const address = parseAddress(text, family)!;
        if (!contains(prefix, address)) return [];
        const path: Path = ['vms', index, 'nics', ni, key];
        return [{ kind: 'vm', family, address, text, owner: `VM "${vm.name}"`, file: 'vms', path }];
      }),
    ),
  );
}

/** Every claimed address: gateways first, so a node or VM that takes a gateway's address is the one caught. */
export function addressClaims(inv: Inventory): Claim[] {
  const prefixes = networkPrefixes(inv);
  return [...gatewayClaims(inv), ...nodeClaims(inv, prefixes), ...vmClaims(inv, prefixes)];
}
