// One TerraformStack per Proxmox cluster: its foundation, images and every VM the inventory puts on it.
import { IndependentStack } from '../constructs/IndependentStack.ts';
import type { Construct } from 'constructs';
import { fqdn } from '../baseline/cloud-config.ts';
import { AntiAffinityRule } from '../constructs/AntiAffinityRule.ts';
import { ClusterFoundation } from '../constructs/ClusterFoundation.ts';
import { ClusterMembers } from '../constructs/ClusterMembers.ts';
import { DebianImage } from '../constructs/DebianImage.ts';
import { DebianVm, type DebianVmProps, type VmFirewallRule, type VmNic } from '../constructs/DebianVm.ts';
import { ProxmoxClusterProvider } from '../constructs/ProxmoxClusterProvider.ts';
import { type Cluster, SHARED_STORAGE_TYPES } from '../inventory/clusters.schema.ts';
import { type DebianRelease, imageFileName } from '../inventory/images.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Network } from '../inventory/networks.schema.ts';
import type { Model } from '../model/derive.ts';
import type { VmFacts } from '../model/vm-facts.ts';
import { vmPool } from '../inventory/pools.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { proxmoxMembersPlan } from '../members/proxmox-users.ts';
import { configureBackend } from './backend.ts';
import { bootImage } from './boot-images.ts';
import { renderCloudConfigs } from './cloud-configs.ts';
import { clusterStackName } from './naming.ts';
import { sshNodes, uploadsSnippet } from './node-ssh.ts';

/**
 * What a cluster stack reads of the derived model (model/derive.ts): the inventory, and each VM's NICs and
 * firewall. A Model is one; a stack child gets only its own VMs' facts, so it need not derive the model again.
 */
export interface ClusterModel {
  readonly inventory: Inventory;
  readonly vms: ReadonlyMap<string, Pick<VmFacts, 'nics' | 'firewall'>>;
}

/**
 * The whole model, or the part of it this stack reads with the cloud-configs it cannot render from that part.
 */
export type ClusterStackProps = ClusterStackBase &
  (
    | {
        readonly model: Model;
        /**
         * The cloud-config of each VM by name, rendered once by the synth for the snippets and the artifacts.
         * @default rendered here from the model for this cluster's VMs
         */
        readonly cloudConfigs?: ReadonlyMap<string, string>;
      }
    | { readonly model: ClusterModel; readonly cloudConfigs: ReadonlyMap<string, string> }
  );

interface ClusterStackBase {
  readonly cluster: Cluster;
  /** Environment the backend settings come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The prefixes of a site's management networks, both families, normalised. */
export function managementPrefixes(inventory: Inventory, site: string): string[] {
  return inventory.networks
    .filter((n) => n.site === site && n.purpose === 'management')
    .flatMap((n) => [n.ipv6, n.ipv4].flatMap((p) => (p ? [p.text] : [])));
}

/**
 * The Proxmox firewall of a VM: the same inbound rules as its own nftables (services, SSH from the jump and
 * monitoring hosts, extra ports), after ping. Two filters, one source of truth.
 */
export function proxmoxFirewallRules(model: ClusterModel, vm: Vm): VmFirewallRule[] {
  // Ping first: a service added later appends its rules instead of shifting these in the diff.
  return [
    { proto: 'icmp', comment: 'ping (IPv4)' },
    { proto: 'ipv6-icmp', comment: 'ping and neighbour discovery (IPv6)' },
    ...factsOfVm(model, vm).firewall.map((rule) => ({
      proto: rule.proto,
      dport: rule.dport,
      ...(rule.source !== undefined ? { source: rule.source.text } : {}),
      comment: rule.comment,
    })),
  ];
}

/**
 * The VM's NICs: its addresses with their prefixes (the model's), on its networks' bridges and gateways.
 * `networks` by name, built once per stack by the caller. @default from the model's inventory
 */
export function vmNics(
  model: ClusterModel,
  vm: Vm,
  networks: ReadonlyMap<string, Network> = new Map(model.inventory.networks.map((n) => [n.name, n])),
): VmNic[] {
  return factsOfVm(model, vm).nics.map((nic) => {
    const net = networks.get(nic.network)!;
    return {
      bridge: net.bridge,
      ...(net.vlan !== undefined ? { vlan: net.vlan } : {}),
      ...(nic.ipv6 ? { ipv6: nic.ipv6 } : {}),
      ...(nic.ipv6 && net.gateway6 ? { gateway6: net.gateway6 } : {}),
      ...(nic.ipv4 ? { ipv4: nic.ipv4 } : {}),
      ...(nic.ipv4 && net.gateway4 ? { gateway4: net.gateway4 } : {}),
    };
  });
}

/** A VM's facts in the model; a VM the model does not hold is a bug of the caller. */
function factsOfVm(model: ClusterModel, vm: Vm): Pick<VmFacts, 'nics' | 'firewall'> {
  const facts = model.vms.get(vm.name);
  if (!facts)
    throw new Error(`ClusterStack: the model holds no VM "${vm.name}"; expected one per VM of the cluster`);
  return facts;
}

/** The cloud-configs the synth rendered, else this cluster's rendered from the whole model. */
function stackCloudConfigs(props: ClusterStackProps, vms: readonly Vm[]): ReadonlyMap<string, string> {
  if (props.cloudConfigs !== undefined) return props.cloudConfigs;
  // The types let only a whole Model come without cloud-configs.
  if (!('services' in props.model))
    throw new Error('ClusterStack: no cloudConfigs given with a partial model');
  return renderCloudConfigs(props.model, vms);
}

function cloudConfigText(cloudConfigs: ReadonlyMap<string, string>, vm: Vm): string {
  const text = cloudConfigs.get(vm.name);
  if (text === undefined)
    throw new Error(
      `ClusterStack: no cloud-config for VM "${vm.name}" in props.cloudConfigs; expected one per VM`,
    );
  return text;
}

export class ClusterStack extends IndependentStack {
  constructor(scope: Construct, props: ClusterStackProps) {
    const { model, cluster } = props;
    const { inventory } = model;
    const name = clusterStackName(cluster.name);
    super(scope, name);
    const env = props.env ?? process.env;

    // Credentials come from the environment (see ProxmoxClusterProvider), never from the inventory.
    new ProxmoxClusterProvider(this, 'proxmox', { endpoint: cluster.endpoint, sshNodes: sshNodes(cluster) });
    configureBackend(this, name, env);

    const vms = inventory.vms
      .filter((vm) => vm.cluster === cluster.name)
      .sort((a, b) => a.name.localeCompare(b.name));
    const foundation = clusterFoundation(this, inventory, cluster, vms);

    // Members' Proxmox users, groups and ACLs live with the cluster they are for: this stack already holds
    // that cluster's API endpoint and token, and an unreachable cluster then holds up only its own accounts.
    new ClusterMembers(this, 'members', {
      cluster: cluster.name,
      ...proxmoxMembersPlan(inventory, cluster.name),
      pools: foundation.pools,
    });

    const imageFor = imageDownloads(this, inventory, cluster);
    const cloudConfigs = stackCloudConfigs(props, vms);
    const networks = new Map(inventory.networks.map((n) => [n.name, n]));
    const deployed = new Map<string, DebianVm>();
    for (const vm of vms) {
      const image = imageFor(vm);
      const placed = { cluster, cloudConfigs, foundation, networks, ...(image ? { image } : {}) };
      deployed.set(vm.name, new DebianVm(this, vm.name, debianVmProps(model, vm, placed)));
    }
    antiAffinityRules(this, vms, deployed);
  }
}

/** The cluster's own resources: the management ipset, the VMs' pools, the backup job. */
function clusterFoundation(
  scope: Construct,
  inventory: Inventory,
  cluster: Cluster,
  vms: readonly Vm[],
): ClusterFoundation {
  return new ClusterFoundation(scope, 'foundation', {
    cluster: cluster.name,
    managementPrefixes: managementPrefixes(inventory, cluster.site),
    pools: vms.map(vmPool).filter((p): p is string => p !== undefined),
    ceph: cluster.ceph !== undefined,
    backup: {
      storage: cluster.backup.storage,
      schedule: cluster.backup.schedule,
      keepDaily: cluster.backup.keep_daily,
      keepWeekly: cluster.backup.keep_weekly,
      keepMonthly: cluster.backup.keep_monthly,
    },
  });
}

/** Whether the cluster's snippets storage (which also holds the images) is one place for every node. */
function sharedImageStorage(cluster: Cluster): boolean {
  const imageStorage = cluster.storages.find((s) => s.name === cluster.snippets)!;
  return (SHARED_STORAGE_TYPES as readonly string[]).includes(imageStorage.type);
}

/**
 * The boot image download of a VM, made on first use: one download per node and storage; a shared storage
 * is one place, so one download for the cluster.
 */
function imageDownloads(
  scope: Construct,
  inventory: Inventory,
  cluster: Cluster,
): (vm: Vm) => DebianImage | undefined {
  const storage = cluster.snippets;
  const shared = sharedImageStorage(cluster);
  const images = new Map<string, DebianImage>();
  return (vm) => {
    const pinned = bootImage(inventory, vm);
    if (!pinned) return undefined;
    const release: DebianRelease = pinned.release;
    const where = shared ? cluster.nodes[0]!.name : vm.node;
    // Named after the release, not the build: a new build replaces this download instead of adding one.
    const id = shared ? `${release}-${storage}` : `${release}-${where}-${storage}`;
    let image = images.get(id);
    if (!image) {
      image = new DebianImage(scope, id, {
        node: where,
        storage,
        url: pinned.url,
        sha512: pinned.sha512,
        fileName: imageFileName(pinned),
      });
      images.set(id, image);
    }
    return image;
  };
}

/** What a VM's construct needs from its cluster's stack. */
interface Placement {
  readonly cluster: Cluster;
  readonly cloudConfigs: ReadonlyMap<string, string>;
  readonly foundation: ClusterFoundation;
  /** The inventory's networks by name, built once per stack. */
  readonly networks: ReadonlyMap<string, Network>;
  readonly image?: DebianImage;
}

function debianVmProps(
  model: ClusterModel,
  vm: Vm,
  { cluster, cloudConfigs, foundation, networks, image }: Placement,
): DebianVmProps {
  const { inventory } = model;
  return {
    name: vm.name,
    vmId: vm.id,
    node: vm.node,
    cores: vm.cores,
    memoryGiB: vm.memory,
    disks: vm.disks,
    nics: vmNics(model, vm, networks),
    ...(image ? { bootImage: image.volumeId } : {}),
    ...(uploadsSnippet(vm) ? { userData: cloudConfigText(cloudConfigs, vm) } : {}),
    snippetStorage: cluster.snippets,
    // On shared storage through the cluster's first node, as the images: moving a VM keeps its snippet.
    snippetNode: sharedImageStorage(cluster) ? cluster.nodes[0]!.name : vm.node,
    domain: inventory.org.domain,
    tags: vm.tags,
    pool: vmPool(vm),
    poolResource: foundation.pools.get(vmPool(vm) ?? ''),
    description: [`${fqdn(inventory, vm)}`, vm.notes].filter(Boolean).join('\n\n'),
    ha: vm.ha,
    protected: vm.protected,
    firewallRules: proxmoxFirewallRules(model, vm),
  };
}

/** Redundant VMs never share a node, also after a failover: a negative resource-affinity rule per group. */
function antiAffinityRules(
  scope: Construct,
  vms: readonly Vm[],
  deployed: ReadonlyMap<string, DebianVm>,
): void {
  const groups = new Map<string, DebianVm[]>();
  for (const vm of vms) {
    const target = deployed.get(vm.name);
    if (!vm.anti_affinity || !target?.haResource) continue;
    groups.set(vm.anti_affinity, [...(groups.get(vm.anti_affinity) ?? []), target]);
  }
  for (const [group, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (members.length >= 2) new AntiAffinityRule(scope, { group, members });
  }
}
