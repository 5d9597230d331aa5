// The zone rules through `npm run check` on the DNS fixture organisation, and dns.yaml's own grammar (each
// zone rule's cases are beside it, model/rules/<rule>.cases.ts).
import { deriveModel } from '../model/derive.ts';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('the zone rules through the check', () => {
  // Each zone rule's own cases are beside it (model/rules/<rule>.cases.ts, test/rules.cases.test.ts).
  it('find nothing wrong in the fixture organisation', () => {
    expect(check({}).errors).toEqual([]);
  });

  it('refuse a default TTL outside org.yaml dns.ttl_min..ttl_max', () => {
    const org = check({ 'org.yaml': (t) => t.replace('ttl: 1800', 'ttl: 10') }).errors;
    expect(org.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'dns: has ttl outside ttl_min..ttl_max; expected ttl_min <= ttl <= ttl_max',
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
