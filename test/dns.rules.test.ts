// The zone rules of `npm run check`: each passes the fixture organisation and reports its own broken case,
// located in the YAML file and field that asks for the record.
import { deriveModel } from '../model/derive.ts';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZONE_RULES, zoneFindings } from '../dns/check.ts';
import { type DnsModel, indexSets } from '../dns/model.ts';
import type { Finding } from '../inventory/findings.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';

const FIXTURE = 'test/fixtures/dns/org';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The fixture with some of its files edited, loaded as `npm run check` loads it. */
function check(edit: Record<string, (text: string) => string>): {
  errors: readonly Finding[];
  inventory?: Inventory;
} {
  const dir = mkdtempSync(join(tmpdir(), 'dns-rules-'));
  dirs.push(dir);
  cpSync(FIXTURE, dir, { recursive: true });
  for (const [file, change] of Object.entries(edit)) {
    const path = join(dir, file);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  }
  return loadInventory(dir);
}

const addRecords = (...lines: string[]) => ({
  'dns.yaml': (text: string) => `${text}${lines.map((l) => `  - ${l}\n`).join('')}`,
});

function fixtureModel(): DnsModel {
  const { inventory } = loadInventory(FIXTURE);
  if (!inventory) throw new Error('the fixture does not load');
  return deriveModel(inventory).dns;
}

/** The fixture's model with one record set's values replaced. */
function withValues(model: DnsModel, name: string, type: string, values: string[]): DnsModel {
  const zones = model.zones.map((z) => ({
    ...z,
    sets: z.sets.map((s) => (s.name === name && s.type === type ? { ...s, values } : s)),
  }));
  return { ...model, zones, sets: indexSets(zones) };
}

describe('the zone rules', () => {
  it('find nothing wrong in the fixture organisation, rule by rule', () => {
    const model = fixtureModel();
    for (const [name, rule] of Object.entries(ZONE_RULES)) expect(rule(model), name).toEqual([]);
    expect(check({}).errors).toEqual([]);
  });

  it('cname-alone: a CNAME next to other data, and a CNAME at a zone apex', () => {
    const { errors } = check(
      addRecords(
        '{ name: git.test.example.org, type: CNAME, value: code.test.example.org }',
        '{ name: test.example.net, type: CNAME, value: code.test.example.org }',
      ),
    );
    expect(errors.map((e) => [e.file.endsWith('dns.yaml'), e.path])).toEqual([
      [true, 'records[2]'],
      [true, 'records[3]'],
    ]);
    expect(errors[0]!.message).toContain('"git.test.example.org" is a CNAME but also has AAAA (from VM git)');
    expect(errors[1]!.message).toContain('is the apex of zone test.example.net and cannot be a CNAME');
    expect(errors[0]!.line).toBe(5);
  });

  it('name-in-our-zones: a record and a web name outside every zone we own', () => {
    const { errors } = check({
      ...addRecords('{ name: www.example.com, type: AAAA, value: "2001:db8:1::a" }'),
      'vms.yaml': (t) => t.replace('domain: code.test.example.org', 'domain: code.example.com'),
    });
    const messages = errors.map((e) => `${e.path}: ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^records\[2\]: "www.example.com" \(AAAA\) is in no zone we own; expected a name under test.example.net, test.example.org, or its zone in dns.yaml zones$/,
        ),
        expect.stringMatching(/^vms\[1\]\.services\[0\]: "code.example.com" \(AAAA\) is in no zone we own/),
      ]),
    );
  });

  it('no-duplicate: a record given twice, or given again after the inventory derives it', () => {
    const { errors } = check(
      addRecords(
        '{ name: test.example.org, type: TXT, value: "verify=abc123" }',
        '{ name: proxy1.test.example.org, type: AAAA, value: "2001:db8:1:0::a" }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'records[2]: test.example.org TXT "verify=abc123" is already in the set (from dns.yaml); expected each record once',
      "records[3]: AAAA 2001:db8:1::a on proxy1.test.example.org, which is the name of VM proxy1, whose addresses the inventory derives; expected no AAAA record for it in dns.yaml (change the VM's NICs or the service instead)",
      'records[3]: proxy1.test.example.org AAAA "2001:db8:1::a" is already in the set (from VM proxy1); expected each record once',
    ]);
  });

  it('targets-have-addresses: an MX to a name without addresses and an SRV to a CNAME', () => {
    const { errors } = check(
      addRecords(
        '{ name: test.example.net, type: MX, value: "10 nothing.test.example.org" }',
        '{ name: _sip._tcp.test.example.net, type: SRV, value: "5 0 5060 www.test.example.net" }',
        '{ name: test.example.net, type: MX, value: "20 mx.example.com" }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "records[2]: MX of test.example.net points at nothing.test.example.org, which has no A or AAAA record; expected a VM's name or a name with addresses",
      'records[3]: SRV of _sip._tcp.test.example.net points at www.test.example.net, which is a CNAME; expected a name with A/AAAA records',
    ]);
  });

  it('ttl-in-bounds: a TTL below org.yaml dns.ttl_min, and two TTLs in one set', () => {
    const { errors } = check(
      addRecords(
        '{ name: a.test.example.net, type: TXT, value: "x", ttl: 30 }',
        '{ name: b.test.example.net, type: TXT, value: "one", ttl: 300 }',
        '{ name: b.test.example.net, type: TXT, value: "two", ttl: 600 }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'records[2]: ttl 30 of a.test.example.net TXT is outside org.yaml dns.ttl_min..ttl_max; expected 60 to 86400 seconds',
      'records[4]: ttl 600 of b.test.example.net TXT differs from 300 given for the same set; expected one TTL per name and type',
    ]);
    const org = check({ 'org.yaml': (t) => t.replace('ttl: 1800', 'ttl: 10') }).errors;
    expect(org.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'dns: has ttl outside ttl_min..ttl_max; expected ttl_min <= ttl <= ttl_max',
    ]);
  });

  it('spf-covers-senders: an SPF of our own that leaves out the mail VM, and two SPF records', () => {
    const narrow = check(
      addRecords('{ name: test.example.org, type: TXT, value: "v=spf1 include:_spf.example.com -all" }'),
    );
    expect(narrow.errors.map((e) => `${e.file.split('/').pop()}:${e.path}: ${e.message}`)).toEqual([
      // Blamed on the dns.yaml record that replaced the derived SPF, not on the mail VM that did not change.
      'dns.yaml:records[2]: mail sends mail for test.example.org from 2001:db8:3::25, 198.51.100.4, which its SPF "v=spf1 include:_spf.example.com -all" does not authorise; expected "mx", "a:mail..." or ip4:/ip6: terms covering it',
    ]);
    // Written whole, the replacement passes: the derived "v=spf1 mx -all" is gone, not added to.
    const whole = check(
      addRecords(
        '{ name: test.example.org, type: TXT, value: "v=spf1 ip6:2001:db8:3::/64 ip4:198.51.100.4 include:_spf.example.com -all" }',
      ),
    );
    expect(whole.errors).toEqual([]);
    const twice = check(
      addRecords(
        '{ name: test.example.org, type: TXT, value: "v=spf1 mx -all" }',
        '{ name: test.example.org, type: TXT, value: "v=spf1 mx ~all" }',
      ),
    );
    expect(twice.errors.map((e) => e.message)).toEqual([
      'mail sends mail for test.example.org, which has 2 SPF records; expected exactly one "v=spf1 ..." TXT record',
    ]);
  });

  it('web-names-resolve: a web name without AAAA, or without A when its service needs IPv4', () => {
    const model = fixtureModel();
    const noV6 = ZONE_RULES['web-names-resolve']!(withValues(model, 'code.test.example.org', 'AAAA', []));
    expect(noV6.map((f) => `${f.origin.what}: ${f.message}`)).toEqual([
      'gitea on git: web name code.test.example.org has no AAAA record; expected its proxies (or its VM) to have public IPv6 addresses',
    ]);
    const noV4 = ZONE_RULES['web-names-resolve']!(withValues(model, 'code.test.example.org', 'A', []));
    expect(noV4.map((f) => f.message)).toEqual([
      'web name code.test.example.org has no A record, but its service must be reachable over IPv4; expected its proxies (or its VM) to have a public IPv4 address',
    ]);
    expect(noV4[0]!.origin.path).toEqual(['vms', 1, 'services', 0]);
  });

  it('forward-reverse-agree: a PTR that names another VM, and an address no reverse zone holds', () => {
    const model = fixtureModel();
    const ptr = model.addresses.find((a) => a.vm === 'mail' && a.family === 6)!.ptr!;
    const wrong = ZONE_RULES['forward-reverse-agree']!(
      withValues(model, ptr, 'PTR', ['jump.test.example.org']),
    );
    expect(wrong.map((f) => f.message)).toEqual([
      `2001:db8:3::25 of mail: PTR ${ptr} is jump.test.example.org and mail.test.example.org has 2001:db8:3::25; expected each to name the other`,
    ]);
    expect(wrong[0]!.origin.path).toEqual(['vms', 5, 'nics', 0, 'ipv6']);
    // networks.yaml gives one-internal no IPv4 prefix: an IPv4 address there has no reverse zone.
    const { inventory } = check({});
    const vms = inventory!.vms.map((vm) =>
      vm.name === 'db'
        ? { ...vm, nics: [{ network: 'one-internal', ipv6: '2001:db8:5::d', ipv4: '10.0.0.4' }] }
        : vm,
    );
    const orphan = zoneFindings(deriveModel({ ...inventory!, vms }).dns).filter((f) =>
      f.message.includes('10.0.0.4'),
    );
    expect(orphan.map((f) => f.message)).toEqual([
      '10.0.0.4 of db has no reverse record: no network prefix in networks.yaml holds it; expected its network to have an ipv4 prefix',
    ]);
  });
  it('apex-ns-added: an NS of dns.yaml at the apex of one of our zones', () => {
    const { errors } = check(addRecords('{ name: test.example.net, type: NS, value: ns.example.com }'));
    expect(errors.map((e) => `${e.file.split('/').pop()}:${e.line}:${e.path}: ${e.message}`)).toEqual([
      "dns.yaml:5:records[2]: NS ns.example.com at the apex of zone test.example.net would add a name server that does not serve it; expected the zone's name servers to come from its dns-secondary VMs (NS in dns.yaml only delegates a sub-zone)",
    ]);
  });

  it('derived-name-overridden: an A on a VM name and an AAAA on a web name', () => {
    const { errors } = check(
      addRecords(
        '{ name: git.test.example.org, type: A, value: 192.0.2.77 }',
        '{ name: code.test.example.org, type: AAAA, value: "2001:db8:99::1" }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "records[2]: A 192.0.2.77 on git.test.example.org, which is the name of VM git, whose addresses the inventory derives; expected no A record for it in dns.yaml (change the VM's NICs or the service instead)",
      "records[3]: AAAA 2001:db8:99::1 on code.test.example.org, which is a web name of gitea on git, whose addresses the inventory derives; expected no AAAA record for it in dns.yaml (change the VM's NICs or the service instead)",
    ]);
  });

  it('cname-loop: a CNAME to itself, and two CNAMEs to each other, each at its own record', () => {
    const { errors } = check(
      addRecords(
        '{ name: x.test.example.org, type: CNAME, value: x.test.example.org }',
        '{ name: a.test.example.org, type: CNAME, value: b.test.example.org }',
        '{ name: b.test.example.org, type: CNAME, value: a.test.example.org }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'records[2]: CNAME x.test.example.org points to itself; expected a CNAME to a name that has records',
      'records[3]: CNAME a.test.example.org is part of a loop (a.test.example.org -> b.test.example.org -> a.test.example.org); expected a chain that ends at a name with records',
      'records[4]: CNAME b.test.example.org is part of a loop (b.test.example.org -> a.test.example.org -> b.test.example.org); expected a chain that ends at a name with records',
    ]);
  });

  it('cname-loop: a long loop is shown by its first names, so the line stays short', () => {
    const names = ['l1', 'l2', 'l3', 'l4', 'l5'].map((l) => `${l}.test.example.org`);
    const { errors } = check(
      addRecords(
        ...names.map((n, i) => `{ name: ${n}, type: CNAME, value: ${names[(i + 1) % names.length]} }`),
      ),
    );
    expect(errors[0]!.message).toBe(
      'CNAME l1.test.example.org is part of a loop (l1.test.example.org -> l2.test.example.org -> l3.test.example.org -> … (5 CNAMEs)); expected a chain that ends at a name with records',
    );
    expect(errors).toHaveLength(5);
  });

  it("zones: a derived reverse zone, a zone listed twice, and the organisation's domain are refused", () => {
    const { errors } = check({
      'dns.yaml': (t) =>
        t.replace(
          'zones: [test.example.net]',
          'zones: [test.example.net, 0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa, test.example.net, test.example.org]',
        ),
    });
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'zones[1]: zone 0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa is a reverse zone, which the model derives from the prefixes of networks.yaml; expected only forward zones here',
      'zones[2]: zone test.example.net is listed twice (first at zones[0]); expected each zone once',
      "zones[3]: zone test.example.org is org.yaml's domain, which is always a zone of ours; expected only other zones here",
    ]);
  });
});

describe('dns.yaml', () => {
  it("rejects values outside each type's grammar, located at the value", () => {
    const { errors } = check(
      addRecords(
        '{ name: t.test.example.org, type: TXT, value: \'say "hi"\' }',
        '{ name: t.test.example.org, type: MX, value: "mail.test.example.org" }',
        '{ name: t.test.example.org, type: AAAA, value: "192.0.2.1" }',
        '{ name: "bad name.test.example.org", type: TXT, value: "x" }',
      ),
    );
    expect(errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'records[2].value: "say \\"hi\\"" is not a TXT text; expected 1 to 2048 printable ASCII characters without " or \\',
      'records[3].value: "mail.test.example.org" is not an MX value; expected "PREFERENCE HOST" such as "10 mail.example.org"',
      'records[4].value: "192.0.2.1" is not an IPv6 address',
      'records[5].name: "bad name.test.example.org" is not a DNS name; expected something like www.example.org',
    ]);
    expect(errors.every((e) => e.file.endsWith('dns.yaml') && e.line > 0)).toBe(true);
  });

  it('is optional: an inventory without it has only derived records', () => {
    const { errors, inventory } = check({ 'dns.yaml': () => '' });
    expect(errors).toEqual([]);
    const model = deriveModel(inventory!).dns;
    expect(model.zones.map((z) => z.name)).not.toContain('test.example.net');
    expect(model.entries.some((e) => e.origin.file === 'dns')).toBe(false);
  });
});
