// Address arithmetic for IPv4 and IPv6 prefixes: pure functions, numbers as bigint.

export type Family = 4 | 6;

export interface Prefix {
  readonly family: Family;
  /** First address of the prefix (the network address). */
  readonly network: bigint;
  readonly length: number;
  /** The prefix as written, normalised (`2001:db8::/64`). */
  readonly text: string;
}

const V4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function parseIPv4(text: string): bigint | undefined {
  if (!V4_RE.test(text)) return undefined;
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

export function parseIPv6(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45 || text.includes(':::')) return undefined;
  let body = text;
  let tail: number[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    body = body.slice(0, lastColon + 1);
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === undefined || rest === undefined) return undefined;
  const given = head.length + rest.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
  } else {
    if (given !== 8) return undefined;
    groups = [...head, ...tail];
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

export function parseAddress(text: string, family: Family): bigint | undefined {
  return family === 4 ? parseIPv4(text) : parseIPv6(text);
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

const IPV4_MAPPED = 0xffffn << 32n;

/**
 * RFC 5952 text: lower case, no leading zeros, the first longest run of two or more zero groups folded
 * into `::`, and an IPv4-mapped address in mixed notation (`::ffff:192.0.2.1`, section 5).
 */
export function formatIPv6(value: bigint): string {
  if (value >> 32n === 0xffffn) return `::ffff:${formatIPv4(value ^ IPV4_MAPPED)}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatAddress(value: bigint, family: Family): string {
  return family === 4 ? formatIPv4(value) : formatIPv6(value);
}

function bits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** Parses `192.0.2.0/24` or `2001:db8::/64`; undefined when malformed or when host bits are set. */
export function parsePrefix(text: string, family: Family): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > bits(family)) return undefined;
  const network = parseAddress(text.slice(0, slash), family);
  if (network === undefined) return undefined;
  if ((network & hostMask(family, length)) !== 0n) return undefined;
  return { family, network, length, text: `${formatAddress(network, family)}/${length}` };
}

/** The prefix of one address alone (/32, /128): a firewall source that lets exactly that host in. */
export function hostPrefix(address: bigint, family: Family): Prefix {
  const length = bits(family);
  return { family, network: address, length, text: `${formatAddress(address, family)}/${length}` };
}

/**
 * An address or a name with an optional prefix length, split: `192.0.2.0/24`, `2001:db8::1`,
 * `mail.example.org/24` (SPF's ip4:, ip6:, a: and mx: terms write them so).
 */
export function splitLength(text: string): { readonly head: string; readonly length?: string } {
  const slash = text.indexOf('/');
  return slash < 0 ? { head: text } : { head: text.slice(0, slash), length: text.slice(slash + 1) };
}

/** A prefix, or an address alone standing for its host prefix (/32, /128); undefined when neither. */
export function parseAddressOrPrefix(text: string, family: Family): Prefix | undefined {
  return parsePrefix(splitLength(text).length === undefined ? `${text}/${bits(family)}` : text, family);
}

/**
 * What is wrong with a prefix, said so a person can fix it (host bits set: the prefix they meant);
 * undefined when `parsePrefix` accepts it.
 */
export function prefixProblem(text: string, family: Family): string | undefined {
  const example = family === 4 ? '192.0.2.0/26' : '2001:db8:10::/64';
  const slash = text.indexOf('/');
  if (slash < 0) return `has no prefix length; expected an address and a length, such as ${example}`;
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > bits(family))
    return `has length "${lengthText}"; expected a whole number from 0 to ${bits(family)}`;
  const length = Number(lengthText);
  const address = parseAddress(text.slice(0, slash), family);
  if (address === undefined)
    return `does not start with an IPv${family} address; expected a prefix such as ${example}`;
  const network = address & ~hostMask(family, length);
  if (network !== address)
    return `has host bits set; expected the network address, ${formatAddress(network, family)}/${length}`;
  return undefined;
}

function hostMask(family: Family, length: number): bigint {
  return (1n << BigInt(bits(family) - length)) - 1n;
}

export function lastAddress(prefix: Prefix): bigint {
  return prefix.network | hostMask(prefix.family, prefix.length);
}

export function contains(prefix: Prefix, address: bigint): boolean {
  return address >= prefix.network && address <= lastAddress(prefix);
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/**
 * Why an address may not be given to a host in this prefix, or undefined when it may.
 * IPv4 reserves the network and broadcast addresses (except in /31 and /32);
 * IPv6 reserves the subnet-router anycast address (all host bits zero).
 */
export function reservedReason(prefix: Prefix, address: bigint): string | undefined {
  if (prefix.family === 4) {
    if (prefix.length >= 31) return undefined;
    if (address === prefix.network) return 'is the network address';
    if (address === lastAddress(prefix)) return 'is the broadcast address';
    return undefined;
  }
  if (prefix.length < 127 && address === prefix.network) return 'is the subnet-router anycast address';
  return undefined;
}

/**
 * RFC 6890's special-purpose ranges: loopback, private, shared, link-local, documentation, benchmarking,
 * translation and multicast space; IPv4 first. No ordinary Internet host has an address in them.
 */
const SPECIAL_PURPOSE_TEXT = {
  4: [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.0.2.0/24',
    '192.88.99.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '198.51.100.0/24',
    '203.0.113.0/24',
    '224.0.0.0/3',
  ],
  6: [
    '::/127',
    '::ffff:0:0/96',
    '64:ff9b::/96',
    '100::/64',
    '2001::/23',
    '2001:db8::/32',
    'fc00::/7',
    'fe80::/10',
    'ff00::/8',
  ],
} as const;

export const SPECIAL_PURPOSE: readonly Prefix[] = ([4, 6] as const).flatMap((family) =>
  SPECIAL_PURPOSE_TEXT[family].map((text) => parsePrefix(text, family)!),
);
