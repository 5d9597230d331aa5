// The zones of the example, judged by real tools: named-checkzone and `knotc zone-check` accept every zone file,
// a real Knot serving them answers every record of the dns stack and the reverse of every VM address, and the
// stack's records sent as TSIG-signed RFC 2136 updates build the same zones (an unsigned update is refused).
import { deriveModel } from '../model/derive.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsModel } from '../dns/model.ts';
import { type PushedRecords, pushedRecords } from '../review/dns-records.ts';
import { proxiesFor, vmAddresses } from '../services/instances.ts';
import { synthesize } from '../stacks/synth.ts';
import { exampleInventory } from './helpers/inventories.ts';
import {
  type Answer,
  dig,
  type KnotServer,
  makeKey,
  missingDnsTools,
  nsupdate,
  startKnot,
  type TsigKey,
} from './helpers/knot.ts';

const missing = missingDnsTools();
if (missing.length > 0)
  console.warn(
    `dns.knot.test.ts skipped: ${missing.join(', ')} not installed (Debian knot, knot-dnsutils, bind9-utils; .ci/run installs them)`,
  );

const key = (a: Answer): string => `${a.name} ${a.type}`;

function group(answers: readonly Answer[]): Map<string, Answer[]> {
  const out = new Map<string, Answer[]>();
  for (const a of answers) out.set(key(a), [...(out.get(key(a)) ?? []), a]);
  return out;
}

/** The record lines of a zone file (the artifact), without comments and directives. */
function zoneRecords(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';') && !l.startsWith('$'))
    .map((l) => l.replace(/\s+/g, ' '));
}

describe.skipIf(missing.length > 0)('the dns zones of the example on a real Knot', () => {
  let dir: string;
  let model: DnsModel;
  let zones: string[];
  let pushed: (PushedRecords & { zone: string })[];
  let tsig: TsigKey;
  let served: KnotServer;
  let updated: KnotServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dns-knot-'));
    const out = join(dir, 'cdktf.out');
    await synthesize(deriveModel(exampleInventory()), out, {});
    model = deriveModel(exampleInventory()).dns;
    const artifacts = join(out, 'artifacts/dns');
    zones = readdirSync(artifacts).map((f) => f.replace(/\.zone$/, ''));
    const stack = JSON.parse(readFileSync(join(out, 'stacks/dns/cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    pushed = Object.entries(stack.resource).flatMap(([type, byName]) =>
      Object.values(byName).map((config) => ({ ...pushedRecords(type, config)!, zone: String(config.zone) })),
    );
    tsig = makeKey('infra-deploy');

    // One server loads the zone files as synth wrote them.
    served = await startKnot(join(dir, 'served'), artifacts, zones, tsig);

    // The other starts from the seed part alone (what the primary loads at zone creation) and gets the rest
    // the way the provider sends it: RFC 2136 updates, signed with the TSIG key.
    const seeds = join(dir, 'seeds');
    mkdirSync(seeds);
    for (const zone of zones) {
      const text = readFileSync(join(artifacts, `${zone}.zone`), 'utf8');
      writeFileSync(join(seeds, `${zone}.zone`), text.slice(0, text.indexOf('; Pushed by the dns stack')));
    }
    updated = await startKnot(join(dir, 'updated'), seeds, zones, tsig);
  }, 120_000);

  afterAll(async () => {
    await served?.stop();
    await updated?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has zone files that named-checkzone and knotc zone-check accept', () => {
    expect(zones).toContain(`${model.domain}`);
    expect(zones.length).toBe(model.zones.length);
    for (const zone of zones) {
      const file = join(dir, 'cdktf.out/artifacts/dns', `${zone}.zone`);
      const bind = spawnSync('named-checkzone', ['-k', 'fail', '-n', 'fail', zone, file], {
        encoding: 'utf8',
      });
      expect(bind.status, `${zone}: ${bind.stdout}${bind.stderr}`).toBe(0);
      const knot = spawnSync('knotc', ['-c', served.conf, 'zone-check', zone], { encoding: 'utf8' });
      expect(knot.status, `${zone}: ${knot.stdout}${knot.stderr}`).toBe(0);
    }
  });

  it('answers every record of the dns stack, with its TTL', () => {
    expect(pushed.length).toBeGreaterThan(0);
    const answers = group(
      dig(
        served.port,
        pushed.map((r) => [r.name, r.type] as const),
      ),
    );
    for (const r of pushed) {
      const got = answers.get(`${r.name} ${r.type}`) ?? [];
      // A TXT value over 255 octets (a DKIM key) is served as several strings (RFC 1035 3.3): compare their join.
      const joined = (v: string): string => (r.type === 'TXT' ? v.replaceAll('" "', '') : v);
      expect(got.map((a) => joined(a.value)).sort(), `${r.name} ${r.type}`).toEqual([...r.values].sort());
      expect(new Set(got.map((a) => a.ttl)), `${r.name} ${r.type}`).toEqual(new Set([r.ttl]));
    }
  });

  it('answers forward and reverse for every address of every VM', () => {
    const inventory = exampleInventory();
    const { services } = deriveModel(inventory);
    for (const vm of inventory.vms) {
      const a = vmAddresses(services, vm);
      const listed = model.addresses.filter((x) => x.vm === vm.name).map((x) => x.address);
      expect(new Set(listed), vm.name).toEqual(new Set([...a.ipv6, ...a.ipv4]));
    }
    const forward = group(
      dig(
        served.port,
        model.addresses.map((x) => [x.name, x.family === 6 ? 'AAAA' : 'A'] as const),
      ),
    );
    const reverse = group(
      dig(
        served.port,
        model.addresses.map((x) => [x.ptr!, 'PTR'] as const),
      ),
    );
    for (const x of model.addresses) {
      const values = (forward.get(`${x.name}. ${x.family === 6 ? 'AAAA' : 'A'}`) ?? []).map((a) => a.value);
      expect(values, `${x.vm} ${x.address}`).toContain(x.address);
      expect(
        (reverse.get(`${x.ptr}. PTR`) ?? []).map((a) => a.value),
        `${x.vm} ${x.address}`,
      ).toEqual([`${x.name}.`]);
    }
    // IPv6 needs no one else: `kdig -x` finds the PTR of an address under our ip6.arpa zones directly.
    const v6 = model.addresses.find((x) => x.family === 6)!;
    const x = spawnSync('kdig', ['@127.0.0.1', '-p', String(served.port), '-x', v6.address, '+short'], {
      encoding: 'utf8',
    });
    expect(x.stdout.trim()).toBe(`${v6.name}.`);
  });

  it('resolves every web name to the public addresses of its proxies (or its own VM)', () => {
    const inventory = exampleInventory();
    const expected = new Map<string, Set<string>>();
    const { services } = deriveModel(inventory);
    for (const i of services.instances) {
      if (!i.def.web) continue;
      const targets = i.def.web.tls === 'proxy' ? proxiesFor(services, i) : [i.vm];
      for (const name of i.ctx.webNames) {
        const set = expected.get(name) ?? new Set<string>();
        for (const vm of targets) for (const addr of vmAddresses(services, vm).publicIpv6) set.add(addr);
        expected.set(name, set);
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    const answers = group(
      dig(
        served.port,
        [...expected.keys()].map((n) => [n, 'AAAA'] as const),
      ),
    );
    for (const [name, addresses] of expected) {
      const got = new Set((answers.get(`${name}. AAAA`) ?? []).map((a) => a.value));
      for (const addr of addresses) expect(got, name).toContain(addr);
    }
  });

  it('refuses an unsigned update and one signed with a wrong secret, and leaves the zone as it was', () => {
    const script = `zone ${model.domain}.\nupdate add intruder.${model.domain}. 300 AAAA 2001:db8::bad\nsend\n`;
    const unsigned = nsupdate(updated.port, script);
    expect(unsigned.status).toBe(1);
    expect(unsigned.output).toContain('NOTAUTH');
    const forged = nsupdate(updated.port, script, {
      ...tsig,
      secret: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(forged.status).not.toBe(0);
    expect(dig(updated.port, [[`intruder.${model.domain}`, 'AAAA']])).toEqual([]);
  });

  it('builds the same zones from the seed and the stack records sent as signed RFC 2136 updates', () => {
    const byZone = new Map<string, string[]>();
    for (const r of pushed) {
      const lines = byZone.get(r.zone) ?? [];
      for (const v of r.values) lines.push(`update add ${r.name} ${r.ttl} ${r.type} ${v}`);
      byZone.set(r.zone, lines);
    }
    for (const [zone, lines] of byZone) {
      const result = nsupdate(updated.port, `zone ${zone}\n${lines.join('\n')}\nsend\n`, tsig);
      expect(result.status, `${zone}: ${result.output}`).toBe(0);
    }
    for (const zone of zones) {
      const axfr = spawnSync('kdig', ['@127.0.0.1', '-p', String(updated.port), 'AXFR', `${zone}.`], {
        encoding: 'utf8',
      });
      expect(axfr.status, axfr.stderr).toBe(0);
      // The serial is the server's (each update raised it); everything else must be the artifact's.
      const got = new Set(
        axfr.stdout
          .split('\n')
          .filter((l) => !l.startsWith(';') && l.trim() !== '')
          .map((l) => l.replace(/\s+/g, ' ').trim())
          .filter((l) => !/ IN SOA /.test(l)),
      );
      const want = new Set(
        zoneRecords(readFileSync(join(dir, 'cdktf.out/artifacts/dns', `${zone}.zone`), 'utf8')).filter(
          (l) => !/ IN SOA /.test(l),
        ),
      );
      expect(got, zone).toEqual(want);
    }
  });
});
