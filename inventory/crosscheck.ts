// The rule of references between files and of addresses; the other rules are in inventory/rules/.
import { SHARED_STORAGE_TYPES } from './clusters.schema.ts';
import type { Finding, Path } from './findings.ts';
import {
  contains,
  type Family,
  formatAddress,
  lastAddress,
  overlaps,
  type Prefix,
  parseAddress,
  parsePrefix,
  reservedReason,
} from './net.ts';
import type { Rule } from './rules/rule.ts';
import { definedTwice, duplicateNames } from './rules/unique-names.ts';

export type InventoryFile =
  'org' | 'sites' | 'networks' | 'clusters' | 'vms' | 'images' | 'dns' | 'members' | 'roles';

type Report = (file: InventoryFile, path: Path, message: string) => void;

/**
 * Rule: every reference between files resolves (sites, clusters, nodes, storages, networks, bridges), VM ids
 * are unique, addresses sit inside their prefix and are used once, prefixes do not overlap, HA VMs use shared
 * storage, and the VMs of an anti-affinity group fit on distinct nodes.
 */
export const crossReferences: Rule = ({ inventory: inv, sources }) => {
  const findings: Finding[] = [];
  const at =
    (severity: Finding['severity']): Report =>
    (file, path, message) => {
      const source = sources.get(file);
      if (source) findings.push(source.finding(severity, path, message));
    };
  const error = at('error');
  const warning = at('warning');

  const siteNames = new Set(inv.sites.map((s) => s.name));
  const networks = new Map(inv.networks.map((n) => [n.name, n]));
  const clusters = new Map(inv.clusters.map((c) => [c.name, c]));

  // Addresses in use: gateways first, so a VM that takes a gateway's address is caught.
  const used = new Map<string, string>();
  const prefixes: { prefix: Prefix; path: Path; network: string }[] = [];
  const networkPrefix = new Map<string, { 4?: Prefix; 6?: Prefix }>();

  inv.networks.forEach((net, i) => {
    if (!siteNames.has(net.site))
      error(
        'networks',
        ['networks', i, 'site'],
        `site "${net.site}" is not in sites.yaml; expected one of ${[...siteNames].join(', ')}`,
      );
    if (!net.ipv4 && !net.ipv6)
      error('networks', ['networks', i], `network "${net.name}" has no prefix; expected ipv6 and/or ipv4`);
    const own: { 4?: Prefix; 6?: Prefix } = {};
    for (const family of [6, 4] as Family[]) {
      const prefixText = family === 4 ? net.ipv4 : net.ipv6;
      const gwKey = family === 4 ? 'gateway4' : 'gateway6';
      const gw = net[gwKey];
      const prefix = prefixText ? parsePrefix(prefixText, family) : undefined;
      if (prefix) {
        own[family] = prefix;
        prefixes.push({ prefix, path: ['networks', i, family === 4 ? 'ipv4' : 'ipv6'], network: net.name });
      }
      if (gw === undefined) continue;
      if (!prefix) {
        error(
          'networks',
          ['networks', i, gwKey],
          `gateway "${gw}" given but the network has no IPv${family} prefix`,
        );
        continue;
      }
      const address = parseAddress(gw, family)!;
      if (!contains(prefix, address))
        error(
          'networks',
          ['networks', i, gwKey],
          `"${gw}" is outside ${prefix.text}; expected an address inside the prefix`,
        );
      else {
        const reason = reservedReason(prefix, address);
        if (reason) error('networks', ['networks', i, gwKey], `"${gw}" ${reason} of ${prefix.text}`);
      }
      used.set(`${family}:${address}`, `the gateway of network "${net.name}"`);
    }
    networkPrefix.set(net.name, own);
  });

  // Overlapping prefixes: sorted by start, each compared with the widest range seen so far.
  for (const family of [4, 6] as Family[]) {
    const sorted = prefixes
      .filter((p) => p.prefix.family === family)
      .sort((a, b) =>
        a.prefix.network < b.prefix.network
          ? -1
          : a.prefix.network > b.prefix.network
            ? 1
            : a.prefix.length - b.prefix.length,
      );
    let widest: (typeof sorted)[number] | undefined;
    for (const entry of sorted) {
      if (widest && overlaps(widest.prefix, entry.prefix)) {
        error(
          'networks',
          entry.path,
          `${entry.prefix.text} overlaps ${widest.prefix.text} of network "${widest.network}"; expected disjoint prefixes`,
        );
      }
      if (!widest || lastAddress(entry.prefix) > lastAddress(widest.prefix)) widest = entry;
    }
  }

  inv.clusters.forEach((cluster, ci) => {
    const base: Path = ['clusters', ci];
    if (!siteNames.has(cluster.site))
      error(
        'clusters',
        [...base, 'site'],
        `site "${cluster.site}" is not in sites.yaml; expected one of ${[...siteNames].join(', ')}`,
      );
    for (const d of duplicateNames(cluster.storages))
      error(
        'clusters',
        [...base, 'storages', d.index, 'name'],
        definedTwice('storage', d.name, 'storages', d.first),
      );
    const pools = new Map((cluster.ceph?.pools ?? []).map((p) => [p.name, p]));
    cluster.ceph?.pools.forEach((pool, pi) => {
      const path: Path = [...base, 'ceph', 'pools', pi];
      if (pool.min_size > pool.size)
        error(
          'clusters',
          [...path, 'min_size'],
          `min_size ${pool.min_size} is larger than size ${pool.size}; expected min_size <= size`,
        );
      if (pool.size > cluster.nodes.length)
        error(
          'clusters',
          [...path, 'size'],
          `size ${pool.size} needs ${pool.size} nodes but cluster "${cluster.name}" has ${cluster.nodes.length}; expected size <= nodes`,
        );
      if (pool.size > 1 && pool.min_size < 2)
        warning(
          'clusters',
          [...path, 'min_size'],
          `min_size ${pool.min_size} accepts writes with a single copy; expected 2 or more`,
        );
    });
    cluster.storages.forEach((storage, si) => {
      const path: Path = [...base, 'storages', si];
      if (storage.type === 'rbd' || storage.type === 'cephfs') {
        if (!cluster.ceph)
          error(
            'clusters',
            [...path, 'type'],
            `storage type ${storage.type} needs Ceph, but cluster "${cluster.name}" has no ceph section`,
          );
      }
      if (storage.type === 'rbd') {
        if (!storage.pool)
          error('clusters', [...path, 'pool'], 'is missing; expected the Ceph pool behind this rbd storage');
        else if (cluster.ceph && !pools.has(storage.pool))
          error(
            'clusters',
            [...path, 'pool'],
            `Ceph pool "${storage.pool}" is not in ceph.pools; expected one of ${[...pools.keys()].join(', ')}`,
          );
      } else if (storage.pool) {
        error('clusters', [...path, 'pool'], `only rbd storages name a Ceph pool; ${storage.type} does not`);
      }
    });
    const storageByName = new Map(cluster.storages.map((s) => [s.name, s]));
    const snippets = storageByName.get(cluster.snippets);
    if (!snippets)
      error(
        'clusters',
        [...base, 'snippets'],
        `storage "${cluster.snippets}" is not in this cluster's storages`,
      );
    else {
      for (const content of ['snippets', 'import'] as const) {
        if (!snippets.content.includes(content))
          error(
            'clusters',
            [...base, 'snippets'],
            `storage "${cluster.snippets}" lacks content "${content}"; expected a storage that holds cloud-init snippets and imported images`,
          );
      }
    }
    const backup = storageByName.get(cluster.backup.storage);
    if (!backup)
      error(
        'clusters',
        [...base, 'backup', 'storage'],
        `storage "${cluster.backup.storage}" is not in this cluster's storages`,
      );
    else if (!backup.content.includes('backup'))
      error('clusters', [...base, 'backup', 'storage'], `storage "${backup.name}" lacks content "backup"`);
  });

  // Node names are hostnames: unique across the organisation. Node addresses sit on a management network.
  const nodeSeen = new Map<string, string>();
  inv.clusters.forEach((cluster, ci) => {
    const mgmt = inv.networks.filter((n) => n.site === cluster.site && n.purpose === 'management');
    cluster.nodes.forEach((node, ni) => {
      const other = nodeSeen.get(node.name);
      if (other !== undefined)
        error(
          'clusters',
          ['clusters', ci, 'nodes', ni, 'name'],
          `node "${node.name}" is defined twice (also in cluster "${other}"); expected unique node names`,
        );
      else nodeSeen.set(node.name, cluster.name);
      for (const family of [6, 4] as Family[]) {
        const key = family === 4 ? 'ipv4' : 'ipv6';
        const text = node[key];
        if (text === undefined) continue;
        const path: Path = ['clusters', ci, 'nodes', ni, key];
        const address = parseAddress(text, family)!;
        const home = mgmt.find((n) => {
          const prefix = networkPrefix.get(n.name)?.[family];
          return prefix !== undefined && contains(prefix, address);
        });
        if (!home) {
          error(
            'clusters',
            path,
            `"${text}" is not inside a management network of site "${cluster.site}"; expected an address in ${mgmt.map((n) => (family === 4 ? n.ipv4 : n.ipv6) ?? n.name).join(', ') || '(none: add a management network)'}`,
          );
          continue;
        }
        const owner = used.get(`${family}:${address}`);
        if (owner) error('clusters', path, `"${text}" is already used by ${owner}; expected a free address`);
        else used.set(`${family}:${address}`, `node "${node.name}"`);
      }
    });
  });

  const ids = new Map<number, number>();
  const groups = new Map<string, { vm: number; cluster: string; node: string }[]>();
  inv.vms.forEach((vm, vi) => {
    const base: Path = ['vms', vi];
    const firstId = ids.get(vm.id);
    if (firstId !== undefined)
      error(
        'vms',
        [...base, 'id'],
        `VM id ${vm.id} is already used by "${inv.vms[firstId]?.name}"; expected unique ids`,
      );
    else ids.set(vm.id, vi);
    if (vm.os !== 'other' && !inv.images[vm.os])
      error(
        'vms',
        [...base, 'os'],
        `${vm.os} has no pinned image; expected "${vm.os}: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml`,
      );

    const cluster = clusters.get(vm.cluster);
    if (!cluster) {
      error(
        'vms',
        [...base, 'cluster'],
        `cluster "${vm.cluster}" is not in clusters.yaml; expected one of ${[...clusters.keys()].join(', ')}`,
      );
      return;
    }
    if (!cluster.nodes.some((n) => n.name === vm.node)) {
      error(
        'vms',
        [...base, 'node'],
        `node "${vm.node}" is not in cluster "${cluster.name}"; expected one of ${cluster.nodes.map((n) => n.name).join(', ')}`,
      );
    }
    const storages = new Map(cluster.storages.map((s) => [s.name, s]));
    vm.disks.forEach((disk, di) => {
      const storage = storages.get(disk.storage);
      if (!storage)
        error(
          'vms',
          [...base, 'disks', di, 'storage'],
          `storage "${disk.storage}" is not in cluster "${cluster.name}"; expected one of ${[...storages.keys()].join(', ')}`,
        );
      else if (!storage.content.includes('images'))
        error(
          'vms',
          [...base, 'disks', di, 'storage'],
          `storage "${disk.storage}" does not hold VM disks (content "images")`,
        );
      else if (vm.ha && !(SHARED_STORAGE_TYPES as readonly string[]).includes(storage.type)) {
        error(
          'vms',
          [...base, 'disks', di, 'storage'],
          `ha: true needs shared storage, but "${disk.storage}" is ${storage.type} (local to one node); expected a Ceph (rbd) storage`,
        );
      }
    });
    if (vm.ha && cluster.nodes.length < 2)
      error(
        'vms',
        [...base, 'ha'],
        `ha: true needs a cluster of two or more nodes; "${cluster.name}" has one`,
      );

    vm.nics.forEach((nic, ni) => {
      const path: Path = [...base, 'nics', ni];
      const net = networks.get(nic.network);
      if (!net) {
        const here = inv.networks.filter((n) => n.site === cluster.site).map((n) => n.name);
        error(
          'vms',
          [...path, 'network'],
          `network "${nic.network}" is not in networks.yaml; expected one of ${here.join(', ') || '(none at this site)'}`,
        );
        return;
      }
      if (net.site !== cluster.site)
        error(
          'vms',
          [...path, 'network'],
          `network "${net.name}" is at site "${net.site}", but cluster "${cluster.name}" is at "${cluster.site}"`,
        );
      else if (!cluster.bridges.includes(net.bridge))
        error(
          'vms',
          [...path, 'network'],
          `network "${net.name}" uses bridge ${net.bridge}, which cluster "${cluster.name}" lacks; expected one of ${cluster.bridges.join(', ')}`,
        );
      const own = networkPrefix.get(net.name) ?? {};
      for (const family of [6, 4] as Family[]) {
        const key = family === 4 ? 'ipv4' : 'ipv6';
        const text = nic[key];
        if (text === undefined) continue;
        const prefix = own[family];
        if (!prefix) {
          error(
            'vms',
            [...path, key],
            `"${text}" is IPv${family}, but network "${net.name}" has no IPv${family} prefix`,
          );
          continue;
        }
        const address = parseAddress(text, family)!;
        if (!contains(prefix, address)) {
          error(
            'vms',
            [...path, key],
            `"${text}" is outside ${prefix.text} of network "${net.name}"; expected an address inside it`,
          );
          continue;
        }
        const reason = reservedReason(prefix, address);
        if (reason)
          error('vms', [...path, key], `"${text}" ${reason} of ${prefix.text}; expected a host address`);
        const owner = used.get(`${family}:${address}`);
        if (owner)
          error(
            'vms',
            [...path, key],
            `"${formatAddress(address, family)}" is already used by ${owner}; expected a free address`,
          );
        else used.set(`${family}:${address}`, `VM "${vm.name}"`);
      }
    });

    if (vm.anti_affinity) {
      const list = groups.get(vm.anti_affinity) ?? [];
      list.push({ vm: vi, cluster: vm.cluster, node: vm.node });
      groups.set(vm.anti_affinity, list);
    }
  });

  for (const [group, members] of groups) {
    const byCluster = new Map<string, typeof members>();
    for (const m of members) byCluster.set(m.cluster, [...(byCluster.get(m.cluster) ?? []), m]);
    for (const [clusterName, list] of byCluster) {
      const cluster = clusters.get(clusterName)!;
      if (list.length > cluster.nodes.length) {
        const last = list[list.length - 1]!;
        error(
          'vms',
          ['vms', last.vm, 'anti_affinity'],
          `group "${group}" has ${list.length} VMs in cluster "${clusterName}", which has ${cluster.nodes.length} nodes; expected at most one VM of the group per node`,
        );
        continue;
      }
      const onNode = new Map<string, number>();
      for (const m of list) {
        const first = onNode.get(m.node);
        if (first !== undefined) {
          error(
            'vms',
            ['vms', m.vm, 'node'],
            `"${m.node}" also hosts "${inv.vms[first]?.name}" of anti-affinity group "${group}"; expected another node`,
          );
        } else onNode.set(m.node, m.vm);
      }
    }
  }

  return findings;
};
