// A CNAME is the only record of its name (RFC 1034 3.6.2) and never sits at a zone's apex, which has SOA and NS.
import { zoneRule } from './rule.ts';
import { atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

export const cnameAlone = zoneRule('cname-alone', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const zone of model.zones) {
    for (const set of zone.sets) {
      if (set.type !== 'CNAME') continue;
      for (const entry of set.entries) {
        if (set.name === zone.name) {
          out.push({
            origin: entry.origin,
            message: `"${set.name}" is the apex of zone ${zone.name} and cannot be a CNAME; expected A/AAAA records there`,
          });
          continue;
        }
        const others = zone.sets.filter((s) => s.name === set.name && s.type !== 'CNAME');
        if (others.length > 0) {
          const by = others.map((s) => `${s.type} (from ${s.entries[0]!.origin.what})`).join(', ');
          out.push({
            origin: entry.origin,
            message: `"${set.name}" is a CNAME but also has ${by}; expected a CNAME to be the only record of its name`,
          });
        }
      }
      if (set.values.length > 1) {
        out.push({
          origin: set.entries[1]!.origin,
          message: `"${set.name}" has ${set.values.length} CNAME targets; expected one`,
        });
      }
    }
  }
  return out.map(atOrigin);
});
