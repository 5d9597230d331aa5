// Address maths of inventory/net.ts: parsing, RFC 5952 text, prefixes, containment, overlap, reserved addresses;
// and the prefix as the value type the networks schema parses once.
import { describe, expect, it } from 'vitest';
import {
  contains,
  formatIPv4,
  formatIPv6,
  lastAddress,
  overlaps,
  type Prefix,
  parseIPv4,
  parseIPv6,
  parsePrefix,
  prefixProblem,
  reservedReason,
} from '../inventory/net.ts';
import { inventoryReviver, inventoryToJson } from '../inventory/json.ts';
import { networksFileSchema } from '../inventory/networks.schema.ts';
import { FIXTURE, validInventory } from './helpers/inventories.ts';

const v6 = (text: string): bigint => {
  const value = parseIPv6(text);
  if (value === undefined) throw new Error(`not IPv6: ${text}`);
  return value;
};
const v4 = (text: string): bigint => {
  const value = parseIPv4(text);
  if (value === undefined) throw new Error(`not IPv4: ${text}`);
  return value;
};
const prefix = (text: string): Prefix => {
  const p = parsePrefix(text, text.includes(':') ? 6 : 4);
  if (!p) throw new Error(`not a prefix: ${text}`);
  return p;
};

describe('parseIPv4', () => {
  it('reads dotted quads into a 32-bit number', () => {
    expect(parseIPv4('192.0.2.1')).toBe(0xc0000201n);
    expect(parseIPv4('0.0.0.0')).toBe(0n);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffffn);
  });

  it.each(['192.0.2.300', '192.0.2', '192.0.2.1.5', '192.0.02.1', ' 192.0.2.1', '192.0.2.-1', ''])(
    'rejects %j',
    (text) => {
      expect(parseIPv4(text)).toBeUndefined();
    },
  );
});

describe('parseIPv6', () => {
  it('expands "::" to the missing zero groups wherever it stands', () => {
    expect(v6('::')).toBe(0n);
    expect(v6('::1')).toBe(1n);
    expect(v6('2001:db8::')).toBe(0x20010db8n << 96n);
    expect(v6('2001:db8::1')).toBe((0x20010db8n << 96n) | 1n);
    expect(v6('2001:db8:0:0:1::1')).toBe(v6('2001:db8::1:0:0:1'));
  });

  it('reads full eight-group addresses with leading zeros and upper case', () => {
    expect(v6('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(v6('2001:db8::1'));
  });

  it('reads an embedded IPv4 tail as the last two groups', () => {
    expect(v6('::ffff:192.0.2.1')).toBe((0xffffn << 32n) | 0xc0000201n);
    expect(v6('::192.0.2.1')).toBe(0xc0000201n);
    expect(v6('64:ff9b::198.51.100.7')).toBe((0x64ff9bn << 96n) | v4('198.51.100.7'));
    expect(v6('1:2:3:4:5:6:192.0.2.1')).toBe(v6('1:2:3:4:5:6:c000:201'));
  });

  it.each([
    '2001:db8::1::2',
    '2001:db8:::1',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    ':1:2:3:4:5:6:7',
    '::ffff:192.0.2.300',
    '1:2:3:4:5:6:7:192.0.2.1',
    '192.0.2.1',
    'fe80::1%eth0',
    '',
  ])('rejects %j', (text) => {
    expect(parseIPv6(text)).toBeUndefined();
  });
});

describe('formatIPv6 (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:DB8::A', '2001:db8::a'],
    // A single zero group is not folded (section 4.2.2).
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // The longest run is folded (4.2.3) ...
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    // ... and of two equal runs, the first.
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    // IPv4-mapped addresses keep the dotted quad (section 5).
    ['::ffff:c000:0201', '::ffff:192.0.2.1'],
  ])('writes %s as %s', (input, output) => {
    expect(formatIPv6(v6(input))).toBe(output);
  });

  it('round-trips through parseIPv6', () => {
    for (const text of ['2001:db8:100::a', '2001:db8:1:2:3:4:5:6', 'fe80::1:2', '::ffff:198.51.100.1']) {
      expect(formatIPv6(v6(text))).toBe(text);
    }
  });

  it('formats IPv4 back to a dotted quad', () => {
    expect(formatIPv4(v4('203.0.113.17'))).toBe('203.0.113.17');
  });
});

describe('parsePrefix', () => {
  it('normalises the text of an IPv6 prefix', () => {
    expect(prefix('2001:0db8:0100:0000::/64')).toEqual({
      family: 6,
      network: v6('2001:db8:100::'),
      length: 64,
      text: '2001:db8:100::/64',
    });
  });

  it('rejects prefixes with host bits set, too long, of the wrong family or without a length', () => {
    expect(parsePrefix('192.0.2.5/26', 4)).toBeUndefined();
    expect(parsePrefix('2001:db8::1/64', 6)).toBeUndefined();
    expect(parsePrefix('192.0.2.0/33', 4)).toBeUndefined();
    expect(parsePrefix('2001:db8::/129', 6)).toBeUndefined();
    expect(parsePrefix('192.0.2.0/24', 6)).toBeUndefined();
    expect(parsePrefix('192.0.2.0', 4)).toBeUndefined();
  });

  it('accepts the whole address space and single addresses', () => {
    expect(prefix('0.0.0.0/0').length).toBe(0);
    expect(lastAddress(prefix('0.0.0.0/0'))).toBe(0xffffffffn);
    expect(lastAddress(prefix('192.0.2.7/32'))).toBe(v4('192.0.2.7'));
  });
});

describe('prefixProblem', () => {
  it('names the prefix that was meant when host bits are set', () => {
    expect(prefixProblem('198.51.100.5/28', 4)).toBe(
      'has host bits set; expected the network address, 198.51.100.0/28',
    );
    expect(prefixProblem('2001:db8:1::1/64', 6)).toBe(
      'has host bits set; expected the network address, 2001:db8:1::/64',
    );
  });

  it('explains a missing or impossible length and a bad address', () => {
    expect(prefixProblem('192.0.2.0', 4)).toMatch(/^has no prefix length/);
    expect(prefixProblem('2001:db8::/200', 6)).toBe(
      'has length "200"; expected a whole number from 0 to 128',
    );
    expect(prefixProblem('192.0.2/24', 4)).toMatch(/^does not start with an IPv4 address/);
  });

  it('has nothing to say about a prefix parsePrefix accepts', () => {
    expect(prefixProblem('192.0.2.0/26', 4)).toBeUndefined();
    expect(prefixProblem('2001:db8::/32', 6)).toBeUndefined();
  });
});

describe('contains and overlaps', () => {
  it('contains exactly the addresses from the network address to the last address', () => {
    const p = prefix('192.0.2.64/26');
    expect(contains(p, v4('192.0.2.63'))).toBe(false);
    expect(contains(p, v4('192.0.2.64'))).toBe(true);
    expect(contains(p, v4('192.0.2.127'))).toBe(true);
    expect(contains(p, v4('192.0.2.128'))).toBe(false);
    expect(contains(prefix('2001:db8:1::/64'), v6('2001:db8:1:0:ffff:ffff:ffff:ffff'))).toBe(true);
    expect(contains(prefix('2001:db8:1::/64'), v6('2001:db8:1:1::'))).toBe(false);
  });

  it('finds overlap for nested and equal prefixes, not for adjacent ones or across families', () => {
    expect(overlaps(prefix('192.0.2.0/24'), prefix('192.0.2.128/25'))).toBe(true);
    expect(overlaps(prefix('192.0.2.128/25'), prefix('192.0.2.0/24'))).toBe(true);
    expect(overlaps(prefix('2001:db8::/64'), prefix('2001:db8::/64'))).toBe(true);
    expect(overlaps(prefix('192.0.2.0/26'), prefix('192.0.2.64/26'))).toBe(false);
    expect(overlaps(prefix('2001:db8:1::/64'), prefix('2001:db8:2::/64'))).toBe(false);
    expect(overlaps(prefix('0.0.0.0/0'), prefix('::/0'))).toBe(false);
  });
});

describe('reservedReason', () => {
  it('reserves the IPv4 network and broadcast addresses', () => {
    const p = prefix('192.0.2.0/26');
    expect(reservedReason(p, v4('192.0.2.0'))).toBe('is the network address');
    expect(reservedReason(p, v4('192.0.2.63'))).toBe('is the broadcast address');
    expect(reservedReason(p, v4('192.0.2.1'))).toBeUndefined();
    expect(reservedReason(p, v4('192.0.2.62'))).toBeUndefined();
  });

  it('reserves nothing in IPv4 point-to-point /31 and host /32 prefixes (RFC 3021)', () => {
    expect(reservedReason(prefix('192.0.2.0/31'), v4('192.0.2.0'))).toBeUndefined();
    expect(reservedReason(prefix('192.0.2.0/31'), v4('192.0.2.1'))).toBeUndefined();
    expect(reservedReason(prefix('192.0.2.9/32'), v4('192.0.2.9'))).toBeUndefined();
  });

  it('reserves the IPv6 subnet-router anycast address, but not in a /127 (RFC 6164)', () => {
    expect(reservedReason(prefix('2001:db8:1::/64'), v6('2001:db8:1::'))).toBe(
      'is the subnet-router anycast address',
    );
    expect(reservedReason(prefix('2001:db8:1::/64'), v6('2001:db8:1::1'))).toBeUndefined();
    expect(reservedReason(prefix('2001:db8:1::/127'), v6('2001:db8:1::'))).toBeUndefined();
    // IPv6 has no broadcast: the last address of a /64 is a host address.
    expect(reservedReason(prefix('2001:db8:1::/64'), v6('2001:db8:1::ffff:ffff:ffff:ffff'))).toBeUndefined();
  });
});

describe('the prefix value type at the inventory boundary', () => {
  it('networks.yaml prefixes come out of the schema parsed: family, network address, length, normalised text', () => {
    const parsed = networksFileSchema.parse({
      networks: [
        {
          name: 'p',
          site: 's',
          purpose: 'public',
          bridge: 'vmbr0',
          ipv6: '2001:DB8:1:0::/64',
          ipv4: '192.0.2.0/26',
        },
      ],
    });
    const net = parsed.networks[0]!;
    expect(net.ipv6).toEqual({
      family: 6,
      network: 0x20010db8000100000000000000000000n,
      length: 64,
      text: '2001:db8:1::/64',
    });
    expect(net.ipv4).toEqual({ family: 4, network: 0xc0000200n, length: 26, text: '192.0.2.0/26' });
  });

  it('a prefix with host bits is refused with the prefix that was meant', () => {
    const parsed = networksFileSchema.safeParse({
      networks: [{ name: 'p', site: 's', purpose: 'public', bridge: 'vmbr0', ipv4: '192.0.2.1/26' }],
    });
    expect(parsed.success ? [] : parsed.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['networks.0.ipv4', prefixProblem('192.0.2.1/26', 4)],
    ]);
  });

  it('survives the JSON the synth hands its child processes', () => {
    const inventory = validInventory(FIXTURE);
    const copy = JSON.parse(inventoryToJson(inventory), inventoryReviver) as typeof inventory;
    expect(copy).toEqual(inventory);
    expect(typeof copy.networks[0]!.ipv6!.network).toBe('bigint');
  });

  it("keeps the maps an inventory holds (the borg clients' public keys) through that JSON", () => {
    const inventory = {
      ...validInventory(FIXTURE),
      backupKeys: new Map([['web1', 'ssh-ed25519 AAAA web1']]),
    };
    const copy = JSON.parse(inventoryToJson(inventory), inventoryReviver) as typeof inventory;
    expect(copy.backupKeys).toEqual(new Map([['web1', 'ssh-ed25519 AAAA web1']]));
  });
});
