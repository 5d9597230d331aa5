// Forward and reverse agree: every VM address has a PTR, and every PTR names a name that has that address.
import { zoneRule } from './rule.ts';
import { reverseName } from '../../dns/reverse.ts';
import { parseAddress } from '../../inventory/net.ts';
import { valuesOf, atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

export const forwardReverseAgree = zoneRule('forward-reverse-agree', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const a of model.addresses) {
    if (!a.ptr) {
      out.push({
        origin: a.origin,
        message: `${a.address} of ${a.vm} has no reverse record: no network prefix in networks.yaml holds it; expected its network to have an ipv${a.family} prefix`,
      });
      continue;
    }
    const ptr = valuesOf(model, a.ptr, 'PTR');
    const forward = valuesOf(model, a.name, a.family === 6 ? 'AAAA' : 'A');
    if (!ptr.includes(a.name) || !forward.includes(a.address))
      out.push({
        origin: a.origin,
        message: `${a.address} of ${a.vm}: PTR ${a.ptr} is ${ptr.join(', ') || 'missing'} and ${a.name} has ${forward.join(', ') || 'no address'}; expected each to name the other`,
      });
  }
  // PTRs that someone else asked for (dns.yaml cannot write PTR, so this guards the derivation itself).
  const owned = new Set(model.addresses.map((a) => a.ptr));
  for (const zone of model.zones) {
    for (const set of zone.sets) {
      if (set.type !== 'PTR') continue;
      if (!owned.has(set.name))
        out.push({
          origin: set.entries[0]!.origin,
          message: `PTR ${set.name} belongs to no VM address; expected one PTR per address`,
        });
    }
  }
  return out.map(atOrigin);
});

/** For tests and messages: the canonical reverse name of an address text. */
export function reverseOf(address: string): string | undefined {
  const family = address.includes(':') ? 6 : 4;
  const value = parseAddress(address, family);
  return value === undefined ? undefined : reverseName(value, family);
}
