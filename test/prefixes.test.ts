// IP prefixes are a value type: the schema parses each one once into `Prefix` (inventory/net.ts) with a located
// error, and no product code parses a prefix string again (no split('/'), no family sniffed from the text).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { factsOf } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { FIXTURE, fixtureInventory } from './helpers/inventories.ts';
import { productFiles, ROOT } from './helpers/product-files.ts';

/** Where a prefix string may be parsed: the address arithmetic and the schema's building block over it. */
const PARSERS = new Set(['inventory/net.ts', 'inventory/common.ts']);

/** A line about addresses or prefixes, where a '/' or ':' test is prefix parsing. */
const ABOUT_PREFIXES = /prefix|cidr|ipv?[46]\b|addr|network|netmask|\bnet\b/i;

/** Lines of `text` (comments left out) that parse a prefix string, as `file:line  code`. */
function prefixParsing(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return;
    const parses =
      (!PARSERS.has(file) && /\b(parsePrefix|prefixProblem)\(/.test(code)) ||
      /from '(ipaddr\.js|ip-cidr|netmask|cidr-[a-z-]+|ip)'/.test(code) ||
      (ABOUT_PREFIXES.test(code) &&
        (/\.(split|indexOf|lastIndexOf|includes)\(['"]\/['"]\)/.test(code) || /\\\/\(?\\d/.test(code))) ||
      (!PARSERS.has(file) && /(prefix|source|cidr)[\w.?]*\.includes\(['"]:['"]\)/i.test(code));
    if (parses) found.push(`${file}:${i + 1}  ${code}`);
  });
  return found;
}

describe('IP prefixes', () => {
  it('are parsed once by the schema into Prefix values, sources included', () => {
    const inventory = fixtureInventory();
    const sources = [
      ...inventory.org.ssh.sources,
      ...(inventory.org.monitoring?.sources ?? []),
      ...(inventory.org.backup?.sources ?? []),
      ...inventory.vms.flatMap((vm) => vm.extra_ports.flatMap((p) => p.sources ?? [])),
    ];
    expect(sources.map((p) => `${p.family} ${p.length} ${p.text}`)).toEqual([
      '6 128 2001:db8:3::f/128',
      '4 32 198.51.100.13/32',
      '6 128 2001:db8:1::e/128',
      '6 128 2001:db8:3::d/128',
      '6 64 2001:db8:1::/64',
      '6 64 2001:db8:3::/64',
      '6 128 2001:db8:3::f/128',
    ]);
  });

  it("reach the VM's firewall as Prefix values, host prefixes of other VMs included", () => {
    const { model } = loadInventory(FIXTURE);
    const sources = factsOf(model!, 'db1').firewall.flatMap((r) => (r.source ? [r.source] : []));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(typeof source.text).toBe('string');
      expect(source.length).toBe(source.family === 6 ? 128 : 32);
    }
  });

  it('finds the string parsing this repository used to do (the scan itself works)', () => {
    const old = [
      "  const [address, length] = prefix.split('/');",
      '    const prefix = parsePrefix(p, family);',
      "  const from = rule.source ? ` ${rule.source.includes(':') ? 'ip6' : 'ip'} saddr ${rule.source}` : '';",
      "  const [addr, len] = text.split('/');",
      "import ipaddr from 'ipaddr.js';",
      '  const m = /^(.*)\\/(\\d+)$/.exec(cidr);',
    ].join('\n');
    expect(prefixParsing('baseline/x.ts', old)).toHaveLength(6);
    expect(prefixParsing('inventory/common.ts', '    const prefix = parsePrefix(text, fam);')).toEqual([]);
    expect(prefixParsing('review/x.ts', "  const parts = url.split('/').slice(3);")).toEqual([]);
  });

  it('are parsed nowhere else: no product file splits or sniffs a prefix string', () => {
    const found = productFiles().flatMap((f) => prefixParsing(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });
});
