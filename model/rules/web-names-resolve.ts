// Every public web name has AAAA records, and A records when its service must be reachable over IPv4.
import { zoneRule } from './rule.ts';
import { isOurs, valuesOf, atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

export const webNamesResolve = zoneRule('web-names-resolve', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const web of model.webNames) {
    // Outside our zones is name-in-our-zones' finding; a CNAME's target answers for it.
    if (!isOurs(model, web.name) || valuesOf(model, web.name, 'CNAME').length > 0) continue; // A CNAME's target answers for it; cname-alone checks the rest.
    if (valuesOf(model, web.name, 'AAAA').length === 0)
      out.push({
        origin: web.origin,
        message: `web name ${web.name} has no AAAA record; expected its proxies (or its VM) to have public IPv6 addresses`,
      });
    if (web.needsIpv4 && valuesOf(model, web.name, 'A').length === 0)
      out.push({
        origin: web.origin,
        message: `web name ${web.name} has no A record, but its service must be reachable over IPv4; expected its proxies (or its VM) to have a public IPv4 address`,
      });
  }
  return out.map(atOrigin);
});
