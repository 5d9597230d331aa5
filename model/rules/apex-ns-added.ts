// A zone's apex NS records are its own name servers, derived from the dns-primary/dns-secondary VMs: dns.yaml
// may delegate a sub-zone with NS, never add a name server to one of our zones.
import { zoneRule } from './rule.ts';
import { atOrigin } from '../../dns/lookups.ts';

export const apexNsAdded = zoneRule('apex-ns-added', ({ dns: model }) => {
  return model.entries
    .filter((e) => e.origin.file === 'dns' && e.type === 'NS' && model.zoneNames.has(e.name))
    .map((e) => ({
      origin: e.origin,
      message: `NS ${e.value} at the apex of zone ${e.name} would add a name server that does not serve it; expected the zone's name servers to come from its dns-secondary VMs (NS in dns.yaml only delegates a sub-zone)`,
    }))
    .map(atOrigin);
});
