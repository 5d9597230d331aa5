// MX, NS and SRV targets in our zones are names with addresses, never CNAMEs (RFC 2181 10.3, RFC 2782).
import { zoneRule } from './rule.ts';
import { isOurs, valuesOf, atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

/** The host name an MX, NS or SRV value points at. */
export function targetOf(type: string, value: string): string | undefined {
  if (type === 'NS') return value;
  if (type === 'MX') return value.split(' ')[1];
  if (type === 'SRV') return value.split(' ')[3];
  return undefined;
}

export const targetsHaveAddresses = zoneRule('targets-have-addresses', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const e of model.entries) {
    const target = targetOf(e.type, e.value);
    // Names outside our zones are someone else's to answer for.
    if (!target || !isOurs(model, target)) continue;
    if (valuesOf(model, target, 'CNAME').length > 0) {
      out.push({
        origin: e.origin,
        message: `${e.type} of ${e.name} points at ${target}, which is a CNAME; expected a name with A/AAAA records`,
      });
    } else if (valuesOf(model, target, 'AAAA').length + valuesOf(model, target, 'A').length === 0) {
      out.push({
        origin: e.origin,
        message: `${e.type} of ${e.name} points at ${target}, which has no A or AAAA record; expected a VM's name or a name with addresses`,
      });
    }
  }
  return out.map(atOrigin);
});
