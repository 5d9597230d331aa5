// The DNS records the service instances want: their web names, SRV, MX, SPF/DMARC and NS records.
// The VMs' own names (<vm>.<domain>) are the DNS stack's; these come on top.
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { proxiesFor, serviceInstances, vmAddresses } from './instances.ts';
import type { DnsRecord } from './types.ts';

/** Every record the services want, in vms.yaml order, each naming the instance that wants it. */
export function serviceDnsRecords(inventory: Inventory): DnsRecord[] {
  const records: DnsRecord[] = [];
  const seen = new Set<string>();
  const add = (record: DnsRecord): void => {
    const key = `${record.name} ${record.type} ${record.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    records.push(record);
  };
  // One lookup per VM, not per name and proxy: a proxy fronts every web name of its site.
  const addresses = new Map<string, ReturnType<typeof vmAddresses>>();
  const addressesOf = (vm: Vm): ReturnType<typeof vmAddresses> => {
    let a = addresses.get(vm.name);
    if (!a) {
      a = vmAddresses(inventory, vm);
      addresses.set(vm.name, a);
    }
    return a;
  };
  for (const i of serviceInstances(inventory)) {
    const web = i.def.web;
    if (web) {
      // Proxied names point at every proxy of the site; a self-served name at the VM (unless it is the VM's own).
      const targets = web.tls === 'proxy' ? proxiesFor(inventory, i) : [i.vm];
      for (const name of i.ctx.webNames) {
        if (web.tls === 'self' && name === i.ctx.fqdn) continue;
        for (const vm of targets) {
          const a = addressesOf(vm);
          for (const v6 of a.publicIpv6) add({ name, type: 'AAAA', value: v6, for: i.label });
          for (const v4 of a.publicIpv4) add({ name, type: 'A', value: v4, for: i.label });
        }
      }
    }
    for (const r of i.def.dns?.(i.ctx) ?? []) add({ ...r, for: i.label });
  }
  return records;
}
