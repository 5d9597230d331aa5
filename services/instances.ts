// Which VM runs which service instance, and the facts derived from it: names, addresses, who it depends on.
import { fqdn } from '../inventory/names.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { CATALOG, DATABASE_KIND, PROXY_KIND } from './catalog.ts';
import type { InstanceContext, ServiceKind } from './types.ts';

export interface ServiceInstance {
  readonly kind: string;
  readonly def: ServiceKind;
  readonly vm: Vm;
  /** Position of the VM in vms.yaml, and of the instance in its `services:` list (to locate findings). */
  readonly vmIndex: number;
  readonly index: number;
  /** Site of the VM's cluster. */
  readonly site: string;
  /** Instance parameters as written in vms.yaml (without `kind`). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly ctx: InstanceContext;
  /** `gitea on gitea`, for messages and DNS record owners. */
  readonly label: string;
}

export function vmSite(inventory: Inventory, vm: Vm): string | undefined {
  return indexOf(inventory).siteOfCluster.get(vm.cluster);
}

interface InventoryIndex {
  readonly siteOfCluster: ReadonlyMap<string, string>;
  readonly byName: ReadonlyMap<string, Vm>;
  /** VMs running each kind, in vms.yaml order. */
  readonly byKind: ReadonlyMap<string, readonly Vm[]>;
  readonly position: ReadonlyMap<string, number>;
  /** Each network's purpose, by name. */
  readonly purpose: ReadonlyMap<string, string>;
}

// Lookups by name, kind and site, built once per inventory: scanning every VM for every service made
// synth quadratic (cubic for dependents) in the number of VMs.
const indexes = new WeakMap<Inventory, InventoryIndex>();

function indexOf(inventory: Inventory): InventoryIndex {
  let index = indexes.get(inventory);
  if (!index) {
    const byKind = new Map<string, Vm[]>();
    for (const vm of inventory.vms) {
      for (const kind of new Set(vm.services.map((s) => s.kind)))
        byKind.set(kind, [...(byKind.get(kind) ?? []), vm]);
    }
    index = {
      siteOfCluster: new Map(inventory.clusters.map((c) => [c.name, c.site])),
      byName: new Map(inventory.vms.map((vm) => [vm.name, vm])),
      byKind,
      position: new Map(inventory.vms.map((vm, i) => [vm.name, i])),
      purpose: new Map(inventory.networks.map((n) => [n.name, n.purpose])),
    };
    indexes.set(inventory, index);
  }
  return index;
}

export function kindsOf(vm: Vm): string[] {
  return vm.services.map((s) => s.kind);
}

function paramsOf(entry: Vm['services'][number]): Record<string, unknown> {
  const { kind: _kind, ...params } = entry as Record<string, unknown>;
  return params;
}

/** Instances per loaded inventory: every VM's cloud-config and firewall needs them, computed once. */
const cache = new WeakMap<Inventory, readonly ServiceInstance[]>();

/** Every instance of a known kind, in vms.yaml order. Unknown kinds are left to `catalogCheck` to report. */
export function serviceInstances(inventory: Inventory): readonly ServiceInstance[] {
  const cached = cache.get(inventory);
  if (cached) return cached;
  const out: ServiceInstance[] = [];
  inventory.vms.forEach((vm, vmIndex) => {
    const site = vmSite(inventory, vm) ?? '';
    vm.services.forEach((entry, index) => {
      const def = CATALOG.get(entry.kind);
      if (!def) return;
      const params = paramsOf(entry);
      const base = { fqdn: fqdn(inventory, vm), vm: vm.name, domain: inventory.org.domain, params };
      const domain = typeof params.domain === 'string' ? params.domain : undefined;
      const aliases = Array.isArray(params.aliases)
        ? params.aliases.filter((a) => typeof a === 'string')
        : [];
      const fallback = def.web?.defaultName ? `${def.web.defaultName}.${inventory.org.domain}` : base.fqdn;
      const webNames = def.web ? [domain ?? fallback, ...aliases] : [];
      const names = def.names ? [...def.names(base)] : [];
      out.push({
        kind: def.kind,
        def,
        vm,
        vmIndex,
        index,
        site,
        params,
        ctx: { ...base, webNames, names },
        label: `${def.kind} on ${vm.name}`,
      });
    });
  });
  cache.set(inventory, out);
  return out;
}

export interface VmAddresses {
  readonly ipv6: readonly string[];
  readonly ipv4: readonly string[];
  /** IPv4 addresses on networks of purpose `public`: what the Internet reaches. */
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];
}

export function vmAddresses(inventory: Inventory, vm: Vm): VmAddresses {
  const purpose = indexOf(inventory).purpose;
  const ipv6: string[] = [];
  const ipv4: string[] = [];
  const publicIpv4: string[] = [];
  const publicIpv6: string[] = [];
  for (const nic of vm.nics) {
    const isPublic = purpose.get(nic.network) === 'public';
    if (nic.ipv6) {
      ipv6.push(nic.ipv6);
      if (isPublic) publicIpv6.push(nic.ipv6);
    }
    if (nic.ipv4) {
      ipv4.push(nic.ipv4);
      if (isPublic) publicIpv4.push(nic.ipv4);
    }
  }
  return { ipv6, ipv4, publicIpv4, publicIpv6 };
}

/** Host prefixes (/128, /32) of every address of a VM: firewall sources. */
export function hostPrefixes(inventory: Inventory, vm: Vm): string[] {
  const a = vmAddresses(inventory, vm);
  return [...a.ipv6.map((x) => `${x}/128`), ...a.ipv4.map((x) => `${x}/32`)];
}

/** The VMs running a kind: those in `site` when there are any, else all of them. */
export function vmsRunning(inventory: Inventory, kinds: readonly string[], site: string): Vm[] {
  const index = indexOf(inventory);
  const found = new Set<Vm>();
  for (const kind of kinds) for (const vm of index.byKind.get(kind) ?? []) found.add(vm);
  const all = [...found].sort(
    (a, b) => (index.position.get(a.name) ?? 0) - (index.position.get(b.name) ?? 0),
  );
  const near = all.filter((vm) => vmSite(inventory, vm) === site);
  return near.length > 0 ? near : all;
}

/** The reverse proxies a web instance sits behind: the VM itself if it is a proxy, else its site's. */
export function proxiesFor(inventory: Inventory, instance: ServiceInstance): Vm[] {
  if (instance.vm.services.some((s) => s.kind === PROXY_KIND)) return [instance.vm];
  return (indexOf(inventory).byKind.get(PROXY_KIND) ?? []).filter(
    (vm) => vmSite(inventory, vm) === instance.site,
  );
}

/**
 * The VMs an instance uses for one of its dependencies. PostgreSQL: the VM named by `db:`, else the first
 * PostgreSQL VM of the site, else the first anywhere. Other kinds: every VM running it in the site, else anywhere.
 */
export function dependencyTargets(inventory: Inventory, instance: ServiceInstance, kind: string): Vm[] {
  if (kind === DATABASE_KIND) {
    const named = typeof instance.params.db === 'string' ? instance.params.db : undefined;
    if (named) {
      const vm = indexOf(inventory).byName.get(named);
      return vm ? [vm] : [];
    }
    return vmsRunning(inventory, [DATABASE_KIND], instance.site).slice(0, 1);
  }
  return vmsRunning(inventory, [kind], instance.site);
}

/**
 * The VMs that connect to `target` for its `kind`: instances that depend on the kind and chose this VM,
 * and PostgreSQL replicas whose `primary:` is this VM. A replica also admits its primary's clients, so a
 * failover needs no firewall change.
 */
export function dependents(
  inventory: Inventory,
  instances: readonly ServiceInstance[],
  target: Vm,
  kind: string,
): Vm[] {
  const { users, primaries } = dependencyIndex(inventory, instances, kind);
  const out = new Map(users.get(target.name) ?? []);
  const primary = primaries.get(target.name);
  const primaryVm = primary === undefined ? undefined : indexOf(inventory).byName.get(primary);
  if (kind === DATABASE_KIND && primaryVm && primaryVm.name !== target.name) {
    for (const vm of dependents(inventory, instances, primaryVm, kind))
      if (vm.name !== target.name && !out.has(vm.name)) out.set(vm.name, vm);
  }
  return [...out.values()];
}

interface DependencyIndex {
  /** For each VM, the VMs that connect to it for the kind, in instance order. */
  readonly users: ReadonlyMap<string, ReadonlyMap<string, Vm>>;
  /** For each VM running the kind, the `primary:` it names. */
  readonly primaries: ReadonlyMap<string, string>;
}

const dependencyIndexes = new WeakMap<readonly ServiceInstance[], Map<string, DependencyIndex>>();

/** Who uses which VM for a kind, computed once per instance list and kind. */
function dependencyIndex(
  inventory: Inventory,
  instances: readonly ServiceInstance[],
  kind: string,
): DependencyIndex {
  let byKind = dependencyIndexes.get(instances);
  if (!byKind) {
    byKind = new Map();
    dependencyIndexes.set(instances, byKind);
  }
  let found = byKind.get(kind);
  if (!found) {
    const users = new Map<string, Map<string, Vm>>();
    const primaries = new Map<string, string>();
    const firstSeen = new Set<string>();
    const add = (targetName: string, vm: Vm): void => {
      if (vm.name === targetName) return;
      const list = users.get(targetName) ?? new Map<string, Vm>();
      list.set(vm.name, vm);
      users.set(targetName, list);
    };
    for (const instance of instances) {
      const primary = instance.params.primary;
      // The first instance of the kind on a VM decides its primary, as a find() over the list would.
      if (instance.kind === kind && !firstSeen.has(instance.vm.name)) {
        firstSeen.add(instance.vm.name);
        if (typeof primary === 'string') primaries.set(instance.vm.name, primary);
      }
      const replica =
        kind === DATABASE_KIND && instance.kind === DATABASE_KIND && typeof primary === 'string';
      const targets = instance.def.dependsOn.includes(kind)
        ? dependencyTargets(inventory, instance, kind)
        : [];
      const named = new Set(targets.map((vm) => vm.name));
      if (replica) named.add(primary);
      for (const name of named) add(name, instance.vm);
    }
    found = { users, primaries };
    byKind.set(kind, found);
  }
  return found;
}
