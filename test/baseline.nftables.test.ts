// Every VM's nftables ruleset passes the real `nft --check` (Debian's nftables); a broken one does not.
// Skipped with a printed reason where nft is missing or may not talk to netlink (no CAP_NET_ADMIN).
import { portRange } from '../inventory/ports.ts';
import { factsOf } from '../model/derive.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nftablesConf, nftString } from '../baseline/firewall.ts';
import { loadInventory } from '../model/load.ts';

const work = mkdtempSync(join(tmpdir(), 'nftables-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function nftCheck(text: string, name: string): { status: number | null; output: string } {
  const path = join(work, name);
  writeFileSync(path, text);
  const run = spawnSync('nft', ['--check', '--file', path], { encoding: 'utf8' });
  return { status: run.error ? null : run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

const probe = nftCheck('table inet probe {\n}\n', 'probe.nft');
const usable = probe.status === 0;
if (!usable)
  console.warn(
    `nft --check is not usable here (${probe.status === null ? 'nft is not installed: apt-get install nftables' : probe.output.trim()}): skipping`,
  );

describe.skipIf(!usable)('nft --check', () => {
  it('accepts the ruleset of every VM of the example', () => {
    const model = loadInventory('inventory').model!;
    for (const vm of model.inventory.vms) {
      const result = nftCheck(nftablesConf(factsOf(model, vm).firewall, false), `${vm.name}.nft`);
      expect(result.status, `${vm.name}: ${result.output}`).toBe(0);
    }
  });

  it('rejects a ruleset with a malformed source prefix', () => {
    const text = nftablesConf(
      [
        {
          direction: 'in',
          proto: 'tcp',
          dport: portRange(22),
          // A prefix the schema would refuse, built by hand: nft itself must refuse what it cannot read.
          source: { family: 6, network: 0n, length: 128, text: '2001:db8::zz/128' },
          comment: 'broken',
        },
      ],
      false,
    );
    const result = nftCheck(text, 'broken.nft');
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/Error/);
  });

  it('keeps a hostile comment inside one nft string: no extra rule, the ruleset still checks', () => {
    const comments = [
      // The nastiest the grammar accepts, and what it refuses but a caller might still pass.
      'x ; tcp dport 1-65535 accept ; # {} [] $var @set',
      '" ; tcp dport 1-65535 accept ; #',
      'a\\" accept\ntcp dport 1-65535 accept # \u001b\u0000',
      'ü'.repeat(200),
    ];
    const rules = comments.map((comment, i) => ({
      direction: 'in' as const,
      proto: 'tcp' as const,
      dport: portRange(8000 + i),
      comment,
    }));
    const text = nftablesConf(rules, false);
    const result = nftCheck(text, 'hostile.nft');
    expect(result.status, result.output).toBe(0);
    // One line per rule, each with exactly the port it was given and one quoted comment.
    const ruleLines = text.split('\n').filter((line) => /^ {4}tcp dport/.test(line));
    expect(ruleLines).toEqual(
      rules.map((r) => `    tcp dport ${r.dport.from} accept comment ${nftString(r.comment)}`),
    );
  });
});
