// What the model knows of each VM, computed once by model/derive.ts: its site, addresses with their prefixes,
// service instances, firewall rules, backup plan and reboot turn. Every renderer reads these instead of
// computing them again (test/model.facts-once.test.ts keeps it so).
import type { Network } from '../inventory/networks.schema.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { type ServiceInstance, type VmAddresses, vmAddresses } from '../services/instances.ts';
import { backupPlan, type BackupPlan } from './backup-plan.ts';
import type { Derived } from './derive.ts';
import { type FirewallRule, vmFirewallRules } from './firewall.ts';

/** One NIC's addresses with the prefix length of its network: `2001:db8::10/64`. */
export interface NicAddresses {
  /** The network's name in networks.yaml. */
  readonly network: string;
  readonly ipv6?: string;
  readonly ipv4?: string;
}

export interface VmFacts {
  readonly vm: Vm;
  /** Site of the VM's cluster. */
  readonly site: string;
  /** Its addresses, all and public, by family. */
  readonly addresses: VmAddresses;
  /** Its NICs' addresses with their prefixes, in vms.yaml order. */
  readonly nics: readonly NicAddresses[];
  /** The service instances it runs, in its `services:` order. */
  readonly instances: readonly ServiceInstance[];
  /** Its inbound firewall, for its nftables and its Proxmox firewall alike. */
  readonly firewall: readonly FirewallRule[];
  /** What borgmatic saves; undefined when it gets no backup (no backup section, `os: other`, the repository). */
  readonly backup?: BackupPlan;
  /** When it reboots after upgrades (HH:MM): its anti-affinity group's turn. */
  readonly rebootTime: string;
}

/** Each NIC's addresses written with its network's prefix length. */
function nicAddresses(networks: ReadonlyMap<string, Network>, vm: Vm): NicAddresses[] {
  return vm.nics.map((nic) => {
    const net = networks.get(nic.network);
    const len6 = net?.ipv6?.length;
    const len4 = net?.ipv4?.length;
    return {
      network: nic.network,
      ...(nic.ipv6 ? { ipv6: `${nic.ipv6}/${len6}` } : {}),
      ...(nic.ipv4 ? { ipv4: `${nic.ipv4}/${len4}` } : {}),
    };
  });
}

/** The facts of every VM by name, in vms.yaml order. */
export function vmFacts(
  model: Derived,
  rebootTimes: ReadonlyMap<string, string>,
): ReadonlyMap<string, VmFacts> {
  const { inventory, services } = model;
  const own = new Map<string, ServiceInstance[]>(inventory.vms.map((vm) => [vm.name, []]));
  for (const instance of services.instances) own.get(instance.vm.name)?.push(instance);
  const facts = new Map<string, VmFacts>();
  const networks = new Map(inventory.networks.map((n) => [n.name, n]));
  for (const vm of inventory.vms) {
    const instances = own.get(vm.name) ?? [];
    const backup = backupPlan(model, vm, instances);
    facts.set(vm.name, {
      vm,
      site: services.siteOf.get(vm.name) ?? '',
      addresses: vmAddresses(services, vm),
      nics: nicAddresses(networks, vm),
      instances,
      firewall: vmFirewallRules(model, vm, instances),
      ...(backup ? { backup } : {}),
      rebootTime: rebootTimes.get(vm.name) ?? '04:00',
    });
  }
  return facts;
}
