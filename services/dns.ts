// The DNS records the service instances want: their web names, SRV, MX, SPF/DMARC and NS records.
// The VMs' own names (<vm>.<domain>) are the DNS stack's; these come on top.
import { proxiesFor, type ServiceModel, vmAddresses } from './instances.ts';
import type { DnsRecord } from './types.ts';

/** Every record the services want, in vms.yaml order, each naming the instance that wants it. */
export function serviceDnsRecords(services: ServiceModel): DnsRecord[] {
  const records: DnsRecord[] = [];
  const seen = new Set<string>();
  const add = (record: DnsRecord): void => {
    const key = `${record.name} ${record.type} ${record.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    records.push(record);
  };
  for (const i of services.instances) {
    const web = i.def.web;
    if (web) {
      // Proxied names point at every proxy of the site; a self-served name at the VM (unless it is the VM's own).
      const targets = web.tls === 'proxy' ? proxiesFor(services, i) : [i.vm];
      for (const name of i.ctx.webNames) {
        if (web.tls === 'self' && name === i.ctx.fqdn) continue;
        for (const vm of targets) {
          const a = vmAddresses(services, vm);
          for (const v6 of a.publicIpv6) add({ name, type: 'AAAA', value: v6, for: i.label });
          for (const v4 of a.publicIpv4) add({ name, type: 'A', value: v4, for: i.label });
        }
      }
    }
    for (const r of i.def.dns?.(i.ctx) ?? []) add({ ...r, for: i.label });
  }
  return records;
}
