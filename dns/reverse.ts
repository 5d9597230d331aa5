// Reverse zone names: nibble zones under ip6.arpa, and in-addr.arpa zones with RFC 2317 classless
// delegation for IPv4 prefixes longer than /24. Pure functions over parsed prefixes.
import { formatIPv4, lastAddress, type Prefix } from '../inventory/net.ts';

function nibbles(value: bigint): string[] {
  const out: string[] = [];
  for (let i = 31; i >= 0; i--) out.push(((value >> BigInt(i * 4)) & 0xfn).toString(16));
  return out;
}

function octets(value: bigint): number[] {
  return formatIPv4(value).split('.').map(Number);
}

/** The reverse name of the first `count` nibbles of an IPv6 address: `0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa`. */
function ip6Name(value: bigint, count: number): string {
  return [...nibbles(value).slice(0, count).reverse(), 'ip6', 'arpa'].join('.');
}

function ip4Name(value: bigint, count: number): string {
  return [...octets(value).slice(0, count).reverse(), 'in-addr', 'arpa'].join('.');
}

/**
 * The zones that hold the reverse names of a prefix. IPv6: one nibble zone at the prefix length, or the
 * nibble zones just below it when the length is not a multiple of 4 (a /62 is four /64 zones). IPv4 up to
 * /24: one zone per octet boundary in the same way (a /23 is two /24 zones). IPv4 longer than /24: one
 * RFC 2317 zone named `FIRST-LAST.C.B.A.in-addr.arpa` (`0-63.2.0.192.in-addr.arpa` for 192.0.2.0/26); the
 * holder of the /24 delegates it to us and points each address's name at it with a CNAME.
 */
export function reverseZones(prefix: Prefix): string[] {
  if (prefix.family === 6) {
    const count = Math.ceil(prefix.length / 4);
    const split = count * 4 - prefix.length;
    const step = 1n << BigInt(128 - count * 4);
    return Array.from({ length: 2 ** split }, (_, i) => ip6Name(prefix.network + BigInt(i) * step, count));
  }
  if (prefix.length > 24) {
    const [a, b, c, first] = octets(prefix.network);
    const last = octets(lastAddress(prefix))[3];
    return [`${first}-${last}.${c}.${b}.${a}.in-addr.arpa`];
  }
  const count = Math.ceil(prefix.length / 8);
  const split = count * 8 - prefix.length;
  const step = 1n << BigInt(32 - count * 8);
  return Array.from({ length: 2 ** split }, (_, i) => ip4Name(prefix.network + BigInt(i) * step, count));
}

/** The canonical reverse name of an address: `11.2.0.192.in-addr.arpa`, 32 nibbles under ip6.arpa. */
export function reverseName(value: bigint, family: 4 | 6): string {
  return family === 6 ? ip6Name(value, 32) : ip4Name(value, 4);
}

/**
 * Where an address's PTR record lives inside `zone`: its canonical reverse name, except in an RFC 2317
 * zone, where it is the last octet under the zone (`11.0-63.2.0.192.in-addr.arpa`).
 */
export function ptrOwner(value: bigint, family: 4 | 6, zone: string): string {
  const canonical = reverseName(value, family);
  if (family === 6 || canonical.endsWith(`.${zone}`)) return canonical;
  return `${octets(value)[3]}.${zone}`;
}

/** Is this an RFC 2317 zone (its first label is a range)? */
export function isClassless(zone: string): boolean {
  return /^\d+-\d+\./.test(zone);
}
