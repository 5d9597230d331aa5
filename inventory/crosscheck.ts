// Checks that span entries and files: references resolve, addresses fit, capacity and N+1 hold.
import { nodeLoads, nPlusOne } from './capacity.ts';
import { SHARED_STORAGE_TYPES } from './clusters.schema.ts';
import type { Finding, Path } from './findings.ts';
import type { Inventory } from './inventory.ts';
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
import { vmNameTakenByStack } from './rules/vm-name-taken-by-stack.ts';
import type { SourceFile } from './source.ts';

export type InventoryFile = 'org' | 'sites' | 'networks' | 'clusters' | 'vms' | 'images';

type Report = (file: InventoryFile, path: Path, message: string) => void;

const gib = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(2)} GiB`;

function uniqueNames(
  items: readonly { name: string }[],
  file: InventoryFile,
  list: string,
  error: Report,
  what: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined)
      error(
        file,
        [list, i, 'name'],
        `${what} "${item.name}" is defined twice (first at ${list}[${first}]); expected unique names`,
      );
    else seen.set(item.name, i);
  });
}

export function crossCheck(inv: Inventory, sources: ReadonlyMap<InventoryFile, SourceFile>): Finding[] {
  const findings: Finding[] = [];
  const at =
    (severity: Finding['severity']): Report =>
    (file, path, message) => {
      const source = sources.get(file);
      if (source) findings.push(source.finding(severity, path, message));
    };
  const error = at('error');
  const warning = at('warning');

  uniqueNames(inv.sites, 'sites', 'sites', error, 'site');
  uniqueNames(inv.networks, 'networks', 'networks', error, 'network');
  uniqueNames(inv.clusters, 'clusters', 'clusters', error, 'cluster');
  uniqueNames(inv.vms, 'vms', 'vms', error, 'VM');

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

  const { capacity } = inv.org;
  inv.clusters.forEach((cluster, ci) => {
    const base: Path = ['clusters', ci];
    if (!siteNames.has(cluster.site))
      error(
        'clusters',
        [...base, 'site'],
        `site "${cluster.site}" is not in sites.yaml; expected one of ${[...siteNames].join(', ')}`,
      );
    uniqueNames(
      cluster.storages,
      'clusters',
      'storages',
      (_f, path, msg) => error('clusters', [...base, ...path], msg),
      'storage',
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

  inv.clusters.forEach((cluster, ci) => {
    const vms = inv.vms.filter(
      (vm) => vm.cluster === cluster.name && cluster.nodes.some((n) => n.name === vm.node),
    );
    nodeLoads(cluster, vms, capacity.memory_reserve).forEach((load, ni) => {
      const path: Path = ['clusters', ci, 'nodes', ni];
      if (load.memory > load.usable) {
        error(
          'clusters',
          path,
          `node "${load.node}" has ${gib(load.memory)} of VMs but ${gib(load.usable)} usable (RAM less ${gib(capacity.memory_reserve)} reserve); expected VM memory within capacity`,
        );
      } else if (load.usable > 0 && (load.memory / load.usable) * 100 > capacity.memory_warn_percent) {
        warning(
          'clusters',
          path,
          `node "${load.node}" is ${Math.round((load.memory / load.usable) * 100)}% committed (${gib(load.memory)} of ${gib(load.usable)}), above ${capacity.memory_warn_percent}%`,
        );
      }
      if (load.vcpus > load.cores * capacity.cpu_overcommit) {
        error(
          'clusters',
          path,
          `node "${load.node}" has ${load.vcpus} vCPUs on ${load.cores} cores, above the overcommit ratio ${capacity.cpu_overcommit}; expected at most ${load.cores * capacity.cpu_overcommit} vCPUs`,
        );
      }
    });
    const localTypes = new Set(
      cluster.storages
        .filter((s) => !(SHARED_STORAGE_TYPES as readonly string[]).includes(s.type))
        .map((s) => s.name),
    );
    cluster.nodes.forEach((node, ni) => {
      const local = vms
        .filter((vm) => vm.node === node.name)
        .flatMap((vm) => vm.disks)
        .filter((d) => localTypes.has(d.storage))
        .reduce((sum, d) => sum + d.size, 0);
      if (local > node.local_disk)
        error(
          'clusters',
          ['clusters', ci, 'nodes', ni, 'local_disk'],
          `node "${node.name}" has ${gib(local)} of VM disks on local storage but ${gib(node.local_disk)} of local disk`,
        );
    });
    for (const broken of nPlusOne(cluster, vms, capacity.memory_reserve)) {
      const ni = cluster.nodes.findIndex((n) => n.name === broken.failedNode);
      const held = broken.antiAffinity;
      const short = broken.unplaced.filter((name) => !held.includes(name));
      const them = (names: readonly string[]): string =>
        `HA ${names.length === 1 ? 'VM' : 'VMs'} ${names.join(', ')} ${names.length === 1 ? 'finds' : 'find'}`;
      // Memory and anti-affinity get separate clauses: "short by" would mislead where memory is there.
      const why: string[] = [];
      if (short.length > 0) why.push(`${them(short)} no node with room (short by ${gib(broken.shortfall)})`);
      if (held.length > 0)
        why.push(`${them(held)} no node outside ${held.length === 1 ? 'its' : 'their'} anti-affinity group`);
      error(
        'clusters',
        ['clusters', ci, 'nodes', ni],
        `N+1 broken in cluster "${cluster.name}": if node "${broken.failedNode}" fails, ${why.join(', and ')}`,
      );
    }
  });

  // Rules that live in files of their own (inventory/rules/).
  for (const f of vmNameTakenByStack(inv)) at(f.severity)(f.file, f.path, f.message);
  return findings;
}
