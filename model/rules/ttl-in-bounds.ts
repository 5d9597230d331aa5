// TTLs stay within org.yaml's dns.ttl_min..ttl_max, and one record set has one TTL (RFC 2181 5.2).
import { zoneRule } from './rule.ts';
import { atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

export const ttlInBounds = zoneRule('ttl-in-bounds', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  const { min, max } = model.ttl;
  for (const e of model.entries) {
    if (e.ttl !== undefined && (e.ttl < min || e.ttl > max))
      out.push({
        origin: e.origin,
        message: `ttl ${e.ttl} of ${e.name} ${e.type} is outside org.yaml dns.ttl_min..ttl_max; expected ${min} to ${max} seconds`,
      });
  }
  for (const zone of model.zones) {
    for (const set of zone.sets) {
      const given = set.entries.filter((e) => e.ttl !== undefined);
      const other = given.find((e) => e.ttl !== given[0]!.ttl);
      if (other)
        out.push({
          origin: other.origin,
          message: `ttl ${other.ttl} of ${set.name} ${set.type} differs from ${given[0]!.ttl} given for the same set; expected one TTL per name and type`,
        });
    }
  }
  return out.map(atOrigin);
});
