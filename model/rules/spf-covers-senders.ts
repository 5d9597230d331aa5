// Each domain our VMs send mail for has one SPF record, and it authorises every address they send from.
import { zoneRule } from './rule.ts';
import {
  contains,
  type Family,
  parseAddress,
  parseAddressOrPrefix,
  splitLength,
} from '../../inventory/net.ts';
import type { DnsModel } from '../../dns/model.ts';
import { valuesOf, atOrigin, type ZoneFinding } from '../../dns/lookups.ts';

/**
 * Does an SPF record (RFC 7208) let `address` send for `domain`? Evaluated against our own records only:
 * `a`, `mx`, `ip4`, `ip6` and `all` with their qualifiers; `include`, `exists` and `redirect` need other
 * domains' answers and authorise nothing here.
 */
export function spfPasses(model: DnsModel, domain: string, spf: string, address: string): boolean {
  const family: Family = address.includes(':') ? 6 : 4;
  const value = parseAddress(address, family);
  if (value === undefined) return false;
  const addressesOf = (name: string): string[] => [
    ...valuesOf(model, name, 'AAAA'),
    ...valuesOf(model, name, 'A'),
  ];
  for (const term of spf.split(/\s+/).slice(1)) {
    const m = /^([+?~-]?)([a-z0-9]+)(?:[:=](.*))?$/i.exec(term);
    if (!m) continue;
    const pass = m[1] === '' || m[1] === '+';
    const mechanism = m[2]!.toLowerCase();
    const arg = m[3];
    let matches = false;
    if (mechanism === 'all') matches = true;
    else if (mechanism === 'ip4' || mechanism === 'ip6') {
      const fam: Family = mechanism === 'ip4' ? 4 : 6;
      const prefix = fam === family && arg !== undefined ? parseAddressOrPrefix(arg, fam) : undefined;
      matches = prefix !== undefined && contains(prefix, value);
    } else if (mechanism === 'a') {
      matches = addressesOf(splitLength(arg ?? domain).head).includes(address);
    } else if (mechanism === 'mx') {
      const hosts = valuesOf(model, splitLength(arg ?? domain).head, 'MX').map((v) => v.split(' ')[1]!);
      matches = hosts.some((h) => addressesOf(h).includes(address));
    }
    if (matches) return pass;
  }
  return false;
}

export const spfCoversSenders = zoneRule('spf-covers-senders', ({ dns: model }) => {
  const out: ZoneFinding[] = [];
  for (const sender of model.senders) {
    const spf = valuesOf(model, sender.domain, 'TXT').filter((t) => /^v=spf1(\s|$)/.test(t));
    if (spf.length !== 1) {
      out.push({
        origin: sender.origin,
        message: `${sender.vm} sends mail for ${sender.domain}, which has ${spf.length} SPF records; expected exactly one "v=spf1 ..." TXT record`,
      });
      continue;
    }
    const missing = sender.addresses.filter((a) => !spfPasses(model, sender.domain, spf[0]!, a));
    // An SPF written in dns.yaml replaces the derived one: that record is what leaves the sender out.
    const written = model.sets
      .get(`${sender.domain} TXT`)
      ?.entries.find((e) => e.origin.file === 'dns' && e.value === spf[0]);
    if (missing.length > 0)
      out.push({
        origin: written?.origin ?? sender.origin,
        message: `${sender.vm} sends mail for ${sender.domain} from ${missing.join(', ')}, which its SPF "${spf[0]}" does not authorise; expected "mx", "a:${sender.vm}..." or ip4:/ip6: terms covering it`,
      });
  }
  return out.map(atOrigin);
});
