// No record is asked for twice: a second copy in dns.yaml is a mistake, not a second record.
import { zoneRule } from './rule.ts';
import { atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

export const noDuplicate = zoneRule('no-duplicate', ({ dns: model }) => {
  const first = new Map<string, string>();
  const out: ZoneFinding[] = [];
  for (const e of model.entries) {
    const key = `${e.name} ${e.type} ${e.value}`;
    const before = first.get(key);
    if (before === undefined) first.set(key, e.origin.what);
    else
      out.push({
        origin: e.origin,
        message: `${e.name} ${e.type} "${e.value}" is already in the set (from ${before}); expected each record once`,
      });
  }
  return out.map(atOrigin);
});
