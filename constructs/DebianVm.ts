// One inventory VM on Proxmox: the VM itself, its cloud-init snippet, firewall, and HA registration.
import type { PortRange } from '../inventory/ports.ts';
import { proxmoxPorts } from './proxmox-ports.ts';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { networkDevice } from './network-device.ts';
import { Haresource } from '../.gen/providers/proxmox/haresource/index.ts';
import { Harule } from '../.gen/providers/proxmox/harule/index.ts';
import { VirtualEnvironmentFile } from '../.gen/providers/proxmox/virtual-environment-file/index.ts';
import { VirtualEnvironmentFirewallOptions } from '../.gen/providers/proxmox/virtual-environment-firewall-options/index.ts';
import { VirtualEnvironmentFirewallRules } from '../.gen/providers/proxmox/virtual-environment-firewall-rules/index.ts';
import {
  VirtualEnvironmentVm,
  type VirtualEnvironmentVmConfig,
  type VirtualEnvironmentVmInitializationIpConfig,
} from '../.gen/providers/proxmox/virtual-environment-vm/index.ts';

export interface VmNic {
  /** Linux bridge on the node. */
  readonly bridge: string;
  /** 802.1Q tag. @default untagged */
  readonly vlan?: number;
  /** Address with prefix length, e.g. `2001:db8:100::10/64`. */
  readonly ipv6?: string;
  readonly gateway6?: string;
  readonly ipv4?: string;
  readonly gateway4?: string;
}

export interface VmDisk {
  readonly storage: string;
  /** GiB. */
  readonly size: number;
}

export interface VmFirewallRule {
  readonly proto: 'tcp' | 'udp' | 'icmp' | 'ipv6-icmp';
  /** Port or range; absent for ICMP. Written in the Proxmox form (`10000:20000`) here. */
  readonly dport?: PortRange;
  /** CIDR, ipset (`+management`) or absent for anywhere. */
  readonly source?: string;
  readonly comment: string;
}

export interface DebianVmProps {
  /** VM name: the hostname, and the Terraform name of every resource of this VM. */
  readonly name: string;
  /** Proxmox VMID. */
  readonly vmId: number;
  /** Preferred node. */
  readonly node: string;
  readonly cores: number;
  /** RAM in GiB. */
  readonly memoryGiB: number;
  /** The first disk boots and is imported from `bootImage`. */
  readonly disks: readonly VmDisk[];
  readonly nics: readonly VmNic[];
  /** Volume id of the cloud image the boot disk is imported from; absent for non-Debian VMs. */
  readonly bootImage?: string;
  /** The `#cloud-config` text; absent for non-Debian VMs. */
  readonly userData?: string;
  /** Storage for the cloud-init snippet (needs `snippets` content). */
  readonly snippetStorage: string;
  /** Node the snippet is uploaded through; on shared storage any node sees it. @default node */
  readonly snippetNode?: string;
  /** DNS search domain. */
  readonly domain: string;
  /** Proxmox tags. @default none */
  readonly tags?: readonly string[];
  /** Resource pool. @default none */
  readonly pool?: string;
  /** The pool's resource, so the VM is created after it (Proxmox refuses a VM in a pool that does not exist). */
  readonly poolResource?: ITerraformDependable;
  readonly description?: string;
  /** Register with HA and prefer `node`; HA, not Terraform, then decides where the VM runs. @default false */
  readonly ha?: boolean;
  /** `prevent_destroy` in Terraform and Proxmox's own protection flag. @default false */
  readonly protected?: boolean;
  /** Inbound rules; everything else is dropped. @default none */
  readonly firewallRules?: readonly VmFirewallRule[];
}

export class DebianVm extends Construct {
  readonly vm: VirtualEnvironmentVm;
  /** The HA resource id (`vm:<id>`) when HA-managed. */
  readonly haResourceId?: string;
  /** The HA registration, so rules that name this VM can depend on it. */
  readonly haResource?: Haresource;

  constructor(scope: Construct, id: string, props: DebianVmProps) {
    super(scope, id);
    if (props.disks.length === 0) throw new Error(`VM ${props.name}: expected at least one disk`);
    if (props.nics.length === 0) throw new Error(`VM ${props.name}: expected at least one NIC`);

    const userDataFileId =
      props.userData !== undefined ? userDataSnippet(this, props, props.userData) : undefined;
    this.vm = new VirtualEnvironmentVm(this, 'vm', vmConfig(props, userDataFileId));
    this.vm.overrideLogicalId(props.name);
    // network_device is an attribute, not a block, in bpg/proxmox (SchemaConfigModeAttr): Terraform wants
    // every key of each object, which the generated binding would leave out; see network-device.ts.
    this.vm.addOverride('network_device', props.nics.map(networkDevice));
    vmFirewall(this, props, this.vm);

    if (props.ha ?? false) {
      const { resourceId, resource } = registerHa(this, props, this.vm);
      this.haResourceId = resourceId;
      this.haResource = resource;
    }
  }
}

/**
 * The cloud-init snippet, a file on the snippets storage uploaded through one node; it cannot follow the VM's
 * current node, since the VM refers to it. Returns the file id the VM points at.
 */
function userDataSnippet(scope: Construct, props: DebianVmProps, userData: string): string {
  const snippet = new VirtualEnvironmentFile(scope, 'user-data', {
    nodeName: props.snippetNode ?? props.node,
    datastoreId: props.snippetStorage,
    contentType: 'snippets',
    sourceRaw: { fileName: `${props.name}-user-data.yaml`, data: userData },
  });
  snippet.overrideLogicalId(`${props.name}-user-data`);
  return snippet.id;
}

/** Cloud-init's address of each NIC; only the first NIC of each family carries the default gateway. */
function ipConfigs(nics: readonly VmNic[]): VirtualEnvironmentVmInitializationIpConfig[] {
  let gateway6Given = false;
  let gateway4Given = false;
  return nics.map((nic) => {
    const gateway6 = !gateway6Given && nic.ipv6 ? nic.gateway6 : undefined;
    const gateway4 = !gateway4Given && nic.ipv4 ? nic.gateway4 : undefined;
    if (gateway6) gateway6Given = true;
    if (gateway4) gateway4Given = true;
    return {
      ...(nic.ipv6 ? { ipv6: { address: nic.ipv6, ...(gateway6 ? { gateway: gateway6 } : {}) } } : {}),
      ...(nic.ipv4 ? { ipv4: { address: nic.ipv4, ...(gateway4 ? { gateway: gateway4 } : {}) } } : {}),
    };
  });
}

/** The VM resource's settings: hardware, disks, first-boot initialisation, and what Terraform leaves alone. */
function vmConfig(props: DebianVmProps, userDataFileId: string | undefined): VirtualEnvironmentVmConfig {
  const isProtected = props.protected ?? false;
  const [boot] = props.disks;
  return {
    name: props.name,
    nodeName: props.node,
    vmId: props.vmId,
    description: props.description,
    tags: [...new Set(props.tags ?? [])].sort(),
    poolId: props.pool,
    ...(props.poolResource ? { dependsOn: [props.poolResource] } : {}),
    onBoot: true,
    started: true,
    // Destroy asks the guest to shut down cleanly through the agent instead of pulling the plug.
    stopOnDestroy: false,
    timeoutShutdownVm: 300,
    protection: isProtected,
    agent: { enabled: true, trim: true },
    cpu: { cores: props.cores, type: 'x86-64-v2-AES' },
    memory: { dedicated: Math.round(props.memoryGiB * 1024) },
    operatingSystem: { type: 'l26' },
    scsiHardware: 'virtio-scsi-single',
    serialDevice: [{ device: 'socket' }],
    vga: { type: 'serial0' },
    disk: props.disks.map((disk, i) => ({
      interface: `virtio${i}`,
      datastoreId: disk.storage,
      size: disk.size,
      discard: 'on',
      iothread: true,
      ...(i === 0 && props.bootImage ? { importFromAttribute: props.bootImage } : {}),
    })),
    ...(props.userData !== undefined
      ? {
          initialization: {
            datastoreId: boot?.storage,
            dns: { domain: props.domain },
            ipConfig: ipConfigs(props.nics),
            userDataFileId,
          },
        }
      : {}),
    // A new preferred node moves the VM (live migration) instead of destroying and recreating it.
    migrate: true,
    lifecycle: {
      ...(isProtected ? { preventDestroy: true } : {}),
      ignoreChanges: [
        // Cloud-init runs once, at first boot. A later change to the user data (a new snippet) must not
        // replace a running VM; the baseline keeps running machines in line from then on.
        'initialization',
        // The boot disk is imported from the image once, at creation: a newer image is for new VMs.
        ...(props.bootImage ? ['disk[0].import_from'] : []),
        // Proxmox HA owns where an HA VM runs (a failover, a maintenance migration, the node-affinity
        // rule below): Terraform creates it on the preferred node and then leaves its node alone.
        ...(props.ha ? ['node_name'] : []),
      ],
    },
  };
}

/**
 * The VM's firewall: inbound dropped but for its rules. Firewall settings are addressed through the node the
 * VM is on, which the provider reads back into the VM's node_name: after a failover or migration they follow
 * the VM instead of a node it left.
 */
function vmFirewall(scope: Construct, props: DebianVmProps, vm: VirtualEnvironmentVm): void {
  const vmNode = vm.nodeName;
  const options = new VirtualEnvironmentFirewallOptions(scope, 'firewall-options', {
    nodeName: vmNode,
    vmId: props.vmId,
    enabled: true,
    inputPolicy: 'DROP',
    outputPolicy: 'ACCEPT',
    // Router advertisements and neighbour discovery keep IPv6 working behind the filter.
    ndp: true,
    radv: false,
    dhcp: false,
    ipfilter: true,
    macfilter: true,
    dependsOn: [vm],
  });
  options.overrideLogicalId(props.name);

  const firewall = new VirtualEnvironmentFirewallRules(scope, 'firewall-rules', {
    nodeName: vmNode,
    vmId: props.vmId,
    rule: (props.firewallRules ?? []).map((rule) => ({
      type: 'in',
      action: 'ACCEPT',
      proto: rule.proto,
      ...(rule.dport !== undefined ? { dport: proxmoxPorts(rule.dport) } : {}),
      ...(rule.source !== undefined ? { source: rule.source } : {}),
      comment: rule.comment,
      enabled: true,
    })),
    dependsOn: [vm],
  });
  firewall.overrideLogicalId(props.name);
}

/** HA registration, and a soft preference for the VM's node: when that node is down, any node may take it. */
function registerHa(
  scope: Construct,
  props: DebianVmProps,
  vm: VirtualEnvironmentVm,
): { resourceId: string; resource: Haresource } {
  const resourceId = `vm:${props.vmId}`;
  const resource = new Haresource(scope, 'ha', {
    resourceId,
    state: 'started',
    comment: `${props.name}: restarted elsewhere when ${props.node} fails`,
    maxRestart: 2,
    maxRelocate: 2,
    dependsOn: [vm],
  });
  resource.overrideLogicalId(props.name);
  const prefer = new Harule(scope, 'prefer-node', {
    rule: `${props.name}-on-${props.node}`,
    type: 'node-affinity',
    resources: [resourceId],
    nodes: { [props.node]: 1 },
    // Not strict: when the preferred node is down, any node may take the VM.
    strict: false,
    comment: `${props.name} prefers ${props.node}`,
    dependsOn: [resource],
  });
  prefer.overrideLogicalId(`${props.name}-node`);
  return { resourceId, resource };
}
