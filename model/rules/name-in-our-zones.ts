// Every record lies inside a zone the organisation owns: nobody else's name can be published from here.
import { zoneRule } from './rule.ts';
import { atOrigin, isOurs } from '../../dns/lookups.ts';

export const nameInOurZones = zoneRule('name-in-our-zones', ({ dns: model }) => {
  const forward = model.zones.filter((z) => !z.reverse).map((z) => z.name);
  return model.entries
    .filter((e) => !isOurs(model, e.name))
    .map((e) => ({
      origin: e.origin,
      message: `"${e.name}" (${e.type}) is in no zone we own; expected a name under ${forward.join(', ')}, or its zone in dns.yaml zones`,
    }))
    .map(atOrigin);
});
