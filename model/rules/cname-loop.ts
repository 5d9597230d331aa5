// A CNAME chain must end at a name with records: a CNAME to itself or round a loop resolves to nothing.
import type { DnsModel } from '../../dns/model.ts';
import { zoneRule } from './rule.ts';
import { valuesOf, atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

/** The names a chain from `start` visits before it ends, or undefined when it comes back to `start`. */
function loopOf(model: DnsModel, start: string): string[] | undefined {
  const visited: string[] = [start];
  let name = start;
  for (;;) {
    const target = valuesOf(model, name, 'CNAME')[0];
    if (target === undefined) return undefined;
    if (target === start) return visited;
    // A loop that does not pass through start is reported at its own records.
    if (visited.includes(target)) return undefined;
    visited.push(target);
    name = target;
  }
}

/** A loop as a message shows it: its first names, so a long loop keeps the line short. */
function chain(names: readonly string[]): string {
  return names.length <= 4
    ? names.join(' -> ')
    : `${names.slice(0, 3).join(' -> ')} -> … (${names.length - 1} CNAMEs)`;
}

export const cnameLoop = zoneRule('cname-loop', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const e of model.entries) {
    if (e.origin.file !== 'dns' || e.type !== 'CNAME') continue;
    const loop = loopOf(model, e.name);
    if (loop)
      out.push({
        origin: e.origin,
        message:
          loop.length === 1
            ? `CNAME ${e.name} points to itself; expected a CNAME to a name that has records`
            : `CNAME ${e.name} is part of a loop (${chain([...loop, e.name])}); expected a chain that ends at a name with records`,
      });
  }
  return out.map(atOrigin);
});
