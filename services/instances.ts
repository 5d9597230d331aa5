// Which VM runs which service instance, and the facts derived from it: names, addresses, who it depends on.
import { fqdn } from '../inventory/names.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { type Family, hostPrefix, parseAddress, type Prefix } from '../inventory/net.ts';
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

/**
 * What the rules and renderers need of the services, derived once per load by model/derive.ts (the catalog's
 * rules then run on it) and passed as an argument: plain data, no caches.
 */
export interface ServiceModel {
  /** Every instance of a known kind, in vms.yaml order. Unknown kinds are left to the catalog's rules. */
  readonly instances: readonly ServiceInstance[];
  /** The site of each VM (of its cluster), by VM name. */
  readonly siteOf: ReadonlyMap<string, string>;
  readonly vmByName: ReadonlyMap<string, Vm>;
  /** Position of each VM in vms.yaml, by name. */
  readonly position: ReadonlyMap<string, number>;
  /** The VMs running each kind, in vms.yaml order. */
  readonly running: ReadonlyMap<string, readonly Vm[]>;
  /** The VMs running each kind in each site, by kind then site, in vms.yaml order. */
  readonly runningInSite: ReadonlyMap<string, ReadonlyMap<string, readonly Vm[]>>;
  /** The instances on each VM, by VM name, in vms.yaml order. */
  readonly onVm: ReadonlyMap<string, readonly ServiceInstance[]>;
  /** The instances of each site, by site, in vms.yaml order: what a site's proxies may serve. */
  readonly inSite: ReadonlyMap<string, readonly ServiceInstance[]>;
  /** The VMs running nginx-proxy in each site, by site, in vms.yaml order. */
  readonly proxiesInSite: ReadonlyMap<string, readonly Vm[]>;
  /** Each VM's addresses by VM name. */
  readonly addresses: ReadonlyMap<string, VmAddresses>;
  /** For each kind and VM, the VMs that connect to that VM for the kind, in instance order. */
  readonly users: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, Vm>>>;
  /** For each PostgreSQL VM that is a replica, the `primary:` its first PostgreSQL instance names. */
  readonly primaries: ReadonlyMap<string, string>;
}

export interface VmAddresses {
  readonly ipv6: readonly string[];
  readonly ipv4: readonly string[];
  /** IPv4 addresses on networks of purpose `public`: what the Internet reaches. */
  readonly publicIpv4: readonly string[];
  readonly publicIpv6: readonly string[];
}

/**
 * Derives the services' model. Lookups by name, kind and site are built here once: scanning every VM for
 * every service made synth quadratic (cubic for dependents) in the number of VMs.
 */
export function deriveServices(inventory: Inventory): ServiceModel {
  const siteOfCluster = new Map(inventory.clusters.map((c) => [c.name, c.site]));
  const siteOf = new Map<string, string>();
  const running = new Map<string, Vm[]>();
  const runningInSite = new Map<string, Map<string, Vm[]>>();
  const purpose = new Map(inventory.networks.map((n) => [n.name, n.purpose]));
  const addresses = new Map<string, VmAddresses>();
  for (const vm of inventory.vms) {
    const site = siteOfCluster.get(vm.cluster);
    if (site !== undefined) siteOf.set(vm.name, site);
    for (const kind of new Set(vm.services.map((s) => s.kind))) {
      const list = running.get(kind);
      if (list) list.push(vm);
      else running.set(kind, [vm]);
      if (site === undefined) continue;
      const bySite = runningInSite.get(kind) ?? new Map<string, Vm[]>();
      runningInSite.set(kind, bySite);
      const near = bySite.get(site);
      if (near) near.push(vm);
      else bySite.set(site, [vm]);
    }
    addresses.set(vm.name, addressesOf(vm, purpose));
  }
  const lookups = {
    siteOf,
    vmByName: new Map(inventory.vms.map((vm) => [vm.name, vm])),
    position: new Map(inventory.vms.map((vm, i) => [vm.name, i])),
    running,
    runningInSite,
    addresses,
  };
  const instances = instancesOf(inventory, siteOf);
  const onVm = groupBy(instances, (i) => i.vm.name);
  const inSite = groupBy(instances, (i) => i.site);
  const proxiesInSite = groupBy(running.get(PROXY_KIND) ?? [], (vm) => siteOf.get(vm.name));
  return {
    instances,
    onVm,
    inSite,
    proxiesInSite,
    ...lookups,
    ...dependencyIndex({ ...lookups, instances }),
  };
}

/** `items` grouped by `key`, each group in the order of `items`; items without a key are left out. */
function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function vmSite(services: ServiceModel, vm: Vm): string | undefined {
  return services.siteOf.get(vm.name);
}

export function kindsOf(vm: Vm): string[] {
  return vm.services.map((s) => s.kind);
}

function paramsOf(entry: Vm['services'][number]): Record<string, unknown> {
  const { kind: _kind, ...params } = entry as Record<string, unknown>;
  return params;
}

/** Every instance of a known kind, in vms.yaml order. */
function instancesOf(inventory: Inventory, siteOf: ReadonlyMap<string, string>): ServiceInstance[] {
  const out: ServiceInstance[] = [];
  inventory.vms.forEach((vm, vmIndex) => {
    const site = siteOf.get(vm.name) ?? '';
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
  return out;
}

function addressesOf(vm: Vm, purpose: ReadonlyMap<string, string>): VmAddresses {
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

const NO_ADDRESSES: VmAddresses = { ipv6: [], ipv4: [], publicIpv4: [], publicIpv6: [] };

export function vmAddresses(services: ServiceModel, vm: Vm): VmAddresses {
  return services.addresses.get(vm.name) ?? NO_ADDRESSES;
}

/** Host prefixes (/128, /32) of every address of a VM: firewall sources. */
export function hostPrefixes(services: ServiceModel, vm: Vm): Prefix[] {
  const a = vmAddresses(services, vm);
  const host = (family: Family) => (x: string) => hostPrefix(parseAddress(x, family)!, family);
  return [...a.ipv6.map(host(6)), ...a.ipv4.map(host(4))];
}

type Lookups = Pick<ServiceModel, 'siteOf' | 'vmByName' | 'position' | 'running' | 'runningInSite'>;

/**
 * The VMs running a kind: those in `site` when there are any, else all of them. Read from the per-site index,
 * so a call costs the size of one site, not of the organisation (it runs for every instance).
 */
export function vmsRunning(services: Lookups, kinds: readonly string[], site: string): Vm[] {
  const union = (lists: readonly (readonly Vm[] | undefined)[]): Vm[] => {
    const found = new Set<Vm>();
    for (const list of lists) for (const vm of list ?? []) found.add(vm);
    // One kind's list is in vms.yaml order already; several kinds' are merged back into it.
    return kinds.length === 1
      ? [...found]
      : [...found].sort(
          (a, b) => (services.position.get(a.name) ?? 0) - (services.position.get(b.name) ?? 0),
        );
  };
  const near = union(kinds.map((kind) => services.runningInSite.get(kind)?.get(site)));
  return near.length > 0 ? near : union(kinds.map((kind) => services.running.get(kind)));
}

/** The reverse proxies a web instance sits behind: the VM itself if it is a proxy, else its site's. */
export function proxiesFor(services: ServiceModel, instance: ServiceInstance): Vm[] {
  if (instance.vm.services.some((s) => s.kind === PROXY_KIND)) return [instance.vm];
  return [...(services.proxiesInSite.get(instance.site) ?? [])];
}

/**
 * The VMs an instance uses for one of its dependencies. PostgreSQL: the VM named by `db:`, else the first
 * PostgreSQL VM of the site (none in the site is an error of services/rules/database-in-another-site.ts,
 * never a silent choice of another site's). Other kinds: every VM running it in the site, else anywhere.
 */
export function dependencyTargets(services: Lookups, instance: ServiceInstance, kind: string): Vm[] {
  if (kind === DATABASE_KIND) {
    const named = typeof instance.params.db === 'string' ? instance.params.db : undefined;
    if (named) {
      const vm = services.vmByName.get(named);
      return vm ? [vm] : [];
    }
    return vmsRunning(services, [DATABASE_KIND], instance.site)
      .filter((vm) => services.siteOf.get(vm.name) === instance.site)
      .slice(0, 1);
  }
  return vmsRunning(services, [kind], instance.site);
}

/**
 * The VMs that connect to `target` for its `kind`: instances that depend on the kind and chose this VM,
 * and PostgreSQL replicas whose `primary:` is this VM. A replica also admits its primary's clients, so a
 * failover needs no firewall change.
 */
export function dependents(services: ServiceModel, target: Vm, kind: string): Vm[] {
  const out = new Map(services.users.get(kind)?.get(target.name) ?? []);
  const primary = services.primaries.get(target.name);
  const primaryVm = primary === undefined ? undefined : services.vmByName.get(primary);
  if (kind === DATABASE_KIND && primaryVm && primaryVm.name !== target.name) {
    for (const vm of dependents(services, primaryVm, kind))
      if (vm.name !== target.name && !out.has(vm.name)) out.set(vm.name, vm);
  }
  return [...out.values()];
}

/** Who uses which VM for each kind, in one pass over the instances. */
function dependencyIndex(
  services: Lookups & { readonly instances: readonly ServiceInstance[] },
): Pick<ServiceModel, 'users' | 'primaries'> {
  const users = new Map<string, Map<string, Map<string, Vm>>>();
  const primaries = new Map<string, string>();
  const add = (kind: string, targetName: string, vm: Vm): void => {
    if (vm.name === targetName) return;
    const byTarget = users.get(kind) ?? new Map<string, Map<string, Vm>>();
    users.set(kind, byTarget);
    const list = byTarget.get(targetName) ?? new Map<string, Vm>();
    list.set(vm.name, vm);
    byTarget.set(targetName, list);
  };
  const firstSeen = new Set<string>();
  for (const instance of services.instances) {
    const primary = instance.params.primary;
    const replicaOf = instance.kind === DATABASE_KIND && typeof primary === 'string' ? primary : undefined;
    // The first PostgreSQL instance on a VM decides its primary, as a find() over the list would.
    if (instance.kind === DATABASE_KIND && !firstSeen.has(instance.vm.name)) {
      firstSeen.add(instance.vm.name);
      if (replicaOf !== undefined) primaries.set(instance.vm.name, replicaOf);
    }
    const kinds = new Set([...instance.def.dependsOn, ...(replicaOf !== undefined ? [DATABASE_KIND] : [])]);
    for (const kind of kinds) {
      const named = new Set(
        instance.def.dependsOn.includes(kind)
          ? dependencyTargets(services, instance, kind).map((vm) => vm.name)
          : [],
      );
      if (kind === DATABASE_KIND && replicaOf !== undefined) named.add(replicaOf);
      for (const name of named) add(kind, name, instance.vm);
    }
  }
  return { users, primaries };
}
