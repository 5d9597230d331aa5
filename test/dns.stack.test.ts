// The dns stack and the zone files on the fixture organisation: exact resources, no secret, stable names,
// literal text, and a removed VM taking its records and PTRs with it in the review diff.
import { spawnSync } from 'node:child_process';
import { deriveModel } from '../model/derive.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordValueProblem } from '../inventory/dns.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import { diffSynthOutputs } from '../review/diff.ts';
import { renderText } from '../review/diff-render.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import { synthDnsApp } from '../stacks/app.ts';
import { artifacts } from '../stacks/artifacts.ts';
import { synthesize } from '../stacks/synth.ts';
import { PROVIDER_REGISTRY } from '../constructs/provider-registry.ts';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface StackJson {
  provider: { dns: { update: Record<string, unknown>[] }[] };
  terraform: { required_providers: Record<string, unknown>; backend: Record<string, unknown> };
  resource: Resources;
}

const work = mkdtempSync(join(tmpdir(), 'dns-stack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fixture(): Inventory {
  const result = loadInventory('test/fixtures/dns/org');
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

function dnsStack(inventory: Inventory, name: string, env: NodeJS.ProcessEnv = {}): StackJson {
  const dir = join(work, name);
  expect(synthDnsApp(deriveModel(inventory), dir, env)).toBe(true);
  return JSON.parse(readFileSync(join(dir, 'stacks/dns/cdk.tf.json'), 'utf8')) as StackJson;
}

/** Resources without cdktf's `//` metadata. */
function plain(resources: Resources): Resources {
  return Object.fromEntries(
    Object.entries(resources).map(([type, byName]) => [
      type,
      Object.fromEntries(Object.entries(byName).map(([name, { '//': _meta, ...config }]) => [name, config])),
    ]),
  );
}

describe('the dns stack of the fixture organisation', () => {
  let stack: StackJson;
  beforeAll(() => {
    stack = dnsStack(fixture(), 'fixture');
  });

  it("sends its updates to the primary, pins the registry's dns release and holds no TSIG setting", () => {
    expect(stack.provider.dns).toEqual([{ update: [{ server: '2001:db8:1::53' }] }]);
    const { source, version } = PROVIDER_REGISTRY.dns;
    expect(stack.terraform.required_providers.dns).toEqual({ source, version });
    expect(stack.terraform.backend).toEqual({ local: { path: '../../../terraform.state/dns.tfstate' } });
    const text = JSON.stringify(stack);
    expect(text).not.toMatch(/key_(name|secret|algorithm)|hmac/);
  });

  it('takes the team backend from the environment like the cluster stacks', () => {
    const pg = dnsStack(fixture(), 'pg', { INFRA_BACKEND: 'pg' });
    expect(pg.terraform.backend).toEqual({ pg: { schema_name: 'dns' } });
  });

  it('has one resource per record set, named after the owner name, with the exact records', () => {
    const r = plain(stack.resource);
    expect(r.dns_aaaa_record_set?.code_test_example_org).toEqual({
      zone: 'test.example.org.',
      name: 'code',
      addresses: ['2001:db8:1::a'],
      ttl: 1800,
    });
    expect(r.dns_a_record_set?.code_test_example_org).toEqual({
      zone: 'test.example.org.',
      name: 'code',
      addresses: ['192.0.2.10'],
      ttl: 1800,
    });
    // The apex has no `name`; the provider writes the zone itself.
    expect(r.dns_mx_record_set?.test_example_org).toEqual({
      zone: 'test.example.org.',
      mx: [{ preference: 10, exchange: 'mail.test.example.org.' }],
      ttl: 1800,
    });
    expect(r.dns_txt_record_set?.test_example_org?.txt).toEqual(['v=spf1 mx -all', 'verify=abc123']);
    expect(r.dns_srv_record_set?.['_xmpp-client__tcp_test_example_org']).toEqual({
      zone: 'test.example.org.',
      name: '_xmpp-client._tcp',
      srv: [{ priority: 5, weight: 0, port: 5222, target: 'chat.test.example.org.' }],
      ttl: 1800,
    });
    expect(r.dns_cname_record?.www_test_example_net).toEqual({
      zone: 'test.example.net.',
      name: 'www',
      cname: 'code.test.example.org.',
      ttl: 300,
    });
    // Internal addresses have a name of their own, so public names never point inside.
    expect(r.dns_aaaa_record_set?.git_internal_test_example_org?.addresses).toEqual(['2001:db8:5::c']);
    expect(r.dns_aaaa_record_set?.git_test_example_org?.addresses).toEqual(['2001:db8:1::c']);
    // RFC 2317: 198.51.100.4 in 198.51.100.0/28.
    expect(r.dns_ptr_record?.['_4_0-15_100_51_198_in-addr_arpa']).toEqual({
      zone: '0-15.100.51.198.in-addr.arpa.',
      name: '4',
      ptr: 'mail.test.example.org.',
      ttl: 1800,
    });
    expect(
      r.dns_ptr_record?.['_5_2_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_3_0_0_0_8_b_d_0_1_0_0_2_ip6_arpa'],
    ).toMatchObject({
      zone: '0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.',
      name: '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0',
      ptr: 'mail.test.example.org.',
    });
    // What the provider cannot write stays in the zone file's seed: no apex NS, no CAA resource.
    expect(r.dns_ns_record_set).toBeUndefined();
    const model = deriveModel(fixture()).dns;
    const pushed = model.zones.flatMap((z) => z.sets.filter((s) => !s.seed));
    const count = Object.values(r).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(count).toBe(pushed.length);
  });

  it('writes a zone file per zone, seed first, every record absolute', () => {
    const files = artifacts(deriveModel(fixture()));
    const zones = [...files.keys()].filter((k) => k.startsWith('dns/'));
    expect(zones).toEqual([
      'dns/test.example.net.zone',
      'dns/test.example.org.zone',
      'dns/0-63.2.0.192.in-addr.arpa.zone',
      'dns/0-15.100.51.198.in-addr.arpa.zone',
      'dns/0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
      'dns/0.0.0.0.2.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
      'dns/0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
      'dns/0.0.0.0.4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
      'dns/0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
    ]);
    expect(files.get('dns/test.example.net.zone')).toBe(
      [
        '; Zone test.example.net, written by `npm run synth` from the inventory: edit the inventory, not this file.',
        '; The SOA serial is fixed here for review; the primary keeps the real one.',
        '$ORIGIN test.example.net.',
        '$TTL 1800',
        '; Loaded by the primary with the zone (the provider cannot update the zone apex NS, CAA or SOA):',
        'test.example.net. 1800 IN SOA ns1.test.example.org. hostmaster.test.example.org. 1 3600 900 1209600 60',
        'test.example.net. 1800 IN NS ns2.test.example.org.',
        'test.example.net. 1800 IN CAA 0 issue "letsencrypt.org"',
        '; Pushed by the dns stack as RFC 2136 updates (1 record sets):',
        'www.test.example.net. 300 IN CNAME code.test.example.org.',
        '',
      ].join('\n'),
    );
  });

  it('does not change when vms.yaml and dns.yaml list their entries in another order', () => {
    const inventory = fixture();
    const shuffled: Inventory = {
      ...inventory,
      vms: [...inventory.vms].reverse(),
      networks: [...inventory.networks].reverse(),
      dns: { zones: [...inventory.dns!.zones], records: [...inventory.dns!.records].reverse() },
    };
    expect(plain(dnsStack(shuffled, 'shuffled').resource)).toEqual(plain(stack.resource));
    const zonesOf = (files: Map<string, string>) => [...files].filter(([k]) => k.startsWith('dns/'));
    expect(new Map(zonesOf(artifacts(deriveModel(shuffled))))).toEqual(
      new Map(zonesOf(artifacts(deriveModel(inventory)))),
    );
  });

  it('writes a TXT value with "${" as literal text, never as a Terraform template', () => {
    const inventory = fixture();
    const odd: Inventory = {
      ...inventory,
      dns: {
        zones: inventory.dns!.zones,
        records: [
          ...inventory.dns!.records,
          { name: 'odd.test.example.org', type: 'TXT', value: 'token ${x} %{y}' },
        ],
      },
    };
    const txt = plain(dnsStack(odd, 'odd').resource).dns_txt_record_set?.odd_test_example_org;
    expect(txt?.txt).toEqual(['token $${x} %%{y}']);
    expect(artifacts(deriveModel(odd)).get('dns/test.example.org.zone')).toContain(
      'odd.test.example.org. 1800 IN TXT "token ${x} %{y}"',
    );
  });

  it('takes a 2048-bit DKIM key: strings of 255 in the zone file, whole for the provider, which splits it', () => {
    const inventory = fixture();
    // A 2048-bit RSA public key is 294 bytes of DER: 392 base64 characters.
    const value = `v=DKIM1; k=rsa; p=${Buffer.from(Array.from({ length: 294 }, (_, i) => i % 256)).toString('base64')}`;
    expect(value.length).toBeGreaterThan(255);
    expect(recordValueProblem('TXT', value)).toBeUndefined();
    const dkim: Inventory = {
      ...inventory,
      dns: {
        zones: inventory.dns!.zones,
        records: [
          ...inventory.dns!.records,
          { name: 'mail._domainkey.test.example.org', type: 'TXT', value },
        ],
      },
    };
    // hashicorp/dns writes the value as one quoted string that miekg/dns splits into 255-byte strings, and
    // reads the strings back joined: the whole value is what the state holds.
    const txt = plain(dnsStack(dkim, 'dkim').resource).dns_txt_record_set?.mail__domainkey_test_example_org;
    expect(txt?.txt).toEqual([value]);
    const zone = artifacts(deriveModel(dkim)).get('dns/test.example.org.zone')!;
    const line = zone.split('\n').find((l) => l.startsWith('mail._domainkey.test.example.org. '))!;
    const strings = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    expect(strings.map((s) => s.length)).toEqual([255, value.length - 255]);
    expect(strings.join('')).toBe(value);
    const file = join(work, 'dkim.zone');
    writeFileSync(file, zone);
    const check = spawnSync('named-checkzone', ['test.example.org', file], { encoding: 'utf8' });
    if (check.error) console.warn(`named-checkzone not run: ${check.error.message}`);
    else expect(check.status, check.stdout).toBe(0);
  });

  it('is written by the one synth path main.ts and npm run synth share, next to the cluster stacks', async () => {
    const dir = join(work, 'main');
    await synthesize(deriveModel(fixture()), dir, {});
    expect(readdirSync(join(dir, 'stacks')).sort()).toEqual(['cluster-ceph', 'cluster-solo', 'dns']);
  });

  it('is left out, with its zone files, when the inventory runs no dns-primary', () => {
    const inventory = fixture();
    const none: Inventory = {
      ...inventory,
      vms: inventory.vms.map((vm) => (vm.name === 'ns1' ? { ...vm, services: [] } : vm)),
    };
    expect(synthDnsApp(deriveModel(none), join(work, 'none'), {})).toBe(false);
    expect([...artifacts(deriveModel(none)).keys()].filter((k) => k.startsWith('dns/'))).toEqual([]);
  });
});

describe('a DNS change in the review diff', () => {
  it("removes a VM's records and PTRs in the same diff, as record lines", async () => {
    const inventory = fixture();
    const base = join(work, 'diff-base');
    const head = join(work, 'diff-head');
    await synthesize(deriveModel(inventory), base, {});
    const removed: Inventory = {
      ...inventory,
      vms: inventory.vms.filter((vm) => vm.name !== 'chat'),
      // The SSH jump sources still name chat's neighbour, not chat: nothing else refers to it.
    };
    await synthesize(deriveModel(removed), head, {});
    const report = diffSynthOutputs(readSynthOutput(base), readSynthOutput(head));
    const dns = report.stacks.find((s) => s.stack === 'dns')!;
    expect(dns.changes.filter((c) => c.action !== 'delete')).toEqual([]);
    expect(dns.changes.map((c) => c.address).sort()).toEqual([
      'dns_a_record_set.chat_test_example_org',
      'dns_aaaa_record_set.chat_test_example_org',
      'dns_ptr_record._12_0-15_100_51_198_in-addr_arpa',
      'dns_ptr_record.c_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_3_0_0_0_8_b_d_0_1_0_0_2_ip6_arpa',
      'dns_srv_record_set._xmpp-client__tcp_test_example_org',
      'dns_srv_record_set._xmpp-server__tcp_test_example_org',
    ]);
    const text = renderText(report, { title: 'test' });
    expect(text).toContain('- chat.test.example.org. AAAA 2001:db8:3::c');
    expect(text).toContain('- 12.0-15.100.51.198.in-addr.arpa. PTR chat.test.example.org.');
    expect(text).toContain('-chat.test.example.org. 1800 IN AAAA 2001:db8:3::c');
    const zoneFiles = report.artifacts.filter((a) => a.path.startsWith('dns/')).map((a) => a.path);
    expect(zoneFiles).toEqual([
      'dns/0-15.100.51.198.in-addr.arpa.zone',
      'dns/0.0.0.0.3.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone',
      'dns/test.example.org.zone',
    ]);
  });

  it('shows an added address as one added record line of an updated set', () => {
    const before = {
      resource: {
        dns_aaaa_record_set: {
          git_example_org: { zone: 'example.org.', name: 'git', addresses: ['2001:db8::a'], ttl: 3600 },
        },
      },
    };
    const after = {
      resource: {
        dns_aaaa_record_set: {
          git_example_org: {
            zone: 'example.org.',
            name: 'git',
            addresses: ['2001:db8::a', '2001:db8::b'],
            ttl: 3600,
          },
        },
      },
    };
    const report = diffSynthOutputs(
      { stacks: new Map([['dns', before]]), artifacts: new Map() },
      { stacks: new Map([['dns', after]]), artifacts: new Map() },
    );
    const change = report.stacks[0]!.changes[0]!;
    expect(change.action).toBe('update');
    expect(change.records).toEqual({ added: ['git.example.org. AAAA 2001:db8::b'], removed: [] });
    expect(renderText(report, { title: 't' })).toContain('+ git.example.org. AAAA 2001:db8::b');
  });
});
