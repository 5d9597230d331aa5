// A VM's inbound firewall rules, computed once per VM by model/derive.ts: exactly its services' ports, SSH
// from the jump and monitoring hosts, nothing else. The renderers (nftables, the Proxmox firewall) read them.
import type { Inventory } from '../inventory/inventory.ts';
import type { Prefix } from '../inventory/net.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Derived } from './derive.ts';
import {
  dependents,
  hostPrefixes,
  proxiesFor,
  type ServiceInstance,
  vmsRunning,
} from '../services/instances.ts';
import { type PortRange, portRange, portRangeText } from '../inventory/ports.ts';
import type { PortSpec, Proto } from '../services/types.ts';

export interface FirewallRule {
  readonly direction: 'in';
  readonly proto: Proto;
  /** A port or a range; nftables writes it `16384-32768` (nftRule), the Proxmox firewall `16384:32768`. */
  readonly dport: PortRange;
  /** The prefix it comes from; undefined: from anywhere. */
  readonly source?: Prefix;
  readonly comment: string;
}

const SSH = portRange(22);

/** Every prefix of networks.yaml: "our own networks". */
export function orgPrefixes(inventory: Inventory): Prefix[] {
  return inventory.networks.flatMap((n) => [n.ipv6, n.ipv4].flatMap((p) => (p ? [p] : [])));
}

function sourcesFor(model: Derived, instance: ServiceInstance, port: PortSpec): (Prefix | undefined)[] {
  const { inventory, services } = model;
  const others = (vms: readonly Vm[]): Prefix[] =>
    vms.filter((v) => v.name !== instance.vm.name).flatMap((v) => hostPrefixes(services, v));
  const { reach } = port;
  if (reach === 'public') return [undefined];
  if (reach === 'proxy') return others(proxiesFor(services, instance));
  if (reach === 'dependents') return others(dependents(services, instance.vm, instance.kind));
  if (reach === 'backup') return [...(inventory.org.backup?.sources ?? [])];
  if (reach === 'org') return orgPrefixes(inventory);
  return others(vmsRunning(services, reach.kinds, instance.site));
}

/**
 * The inbound rules of a VM, for the Proxmox firewall and the VM's own nftables alike. Rules are ordered
 * (SSH, then services in vms.yaml order, then extra ports) and deduplicated; a port open to everyone
 * drops the narrower rules for the same port.
 */
export function vmFirewallRules(model: Derived, vm: Vm, own: readonly ServiceInstance[]): FirewallRule[] {
  const { inventory } = model;
  const rules: FirewallRule[] = [];
  const add = (
    proto: Proto,
    dport: PortRange,
    sources: readonly (Prefix | undefined)[],
    comment: string,
  ): void => {
    for (const source of sources)
      rules.push({ direction: 'in', proto, dport, ...(source ? { source } : {}), comment });
  };
  add('tcp', SSH, inventory.org.ssh.sources, 'ssh from the jump hosts');
  add('tcp', SSH, inventory.org.monitoring?.sources ?? [], 'check_by_ssh from the monitoring servers');
  for (const instance of own) {
    for (const port of instance.def.ports) {
      add(port.proto, port.port, sourcesFor(model, instance, port), `${instance.kind}: ${port.purpose}`);
    }
  }
  for (const extra of vm.extra_ports) {
    add(extra.proto, extra.port, extra.sources ?? [undefined], extra.comment ?? 'extra port from vms.yaml');
  }
  const key = (r: FirewallRule): string => `${r.proto}/${portRangeText(r.dport)}`;
  const open = new Set(rules.filter((r) => !r.source).map(key));
  const seen = new Set<string>();
  return rules.filter((r) => {
    if (r.source && open.has(key(r))) return false;
    const once = `${key(r)}/${r.source?.text ?? '*'}`;
    if (seen.has(once)) return false;
    seen.add(once);
    return true;
  });
}
