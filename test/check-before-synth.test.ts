// Everything synth can trip over is refused by the check first: every bad inventory of the rules' tests goes
// through synth too with the rules left out, and wherever synth fails, the check refused it. The real
// `npm run synth` on a case that used to crash exits 1 with the check's line.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { parseInventory } from '../inventory/inventory.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { synthesize } from '../stacks/synth.ts';
import { compiled } from './helpers/cli.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';

const work = mkdtempSync(join(tmpdir(), 'check-before-synth-'));
const made: string[] = [];
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const DNS = 'test/fixtures/dns/org';

/** A copy of `from` with one file edited. */
function edited(from: string, file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-before-synth-case-'));
  made.push(dir);
  cpSync(from, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const record = (line: string) => (t: string) => `${t}  - ${line}\n`;
const zones = (list: string) => (t: string) => t.replace('zones: [test.example.net]', `zones: [${list}]`);

/** The bad inventories of this rules, each one mistake. */
function newCases(): Record<string, string> {
  const members = (edit: (t: string) => string) => {
    const dir = fixtureOrg({ members: edit });
    made.push(dir);
    return dir;
  };
  return {
    'derived reverse zone listed': edited(
      DNS,
      'dns.yaml',
      zones('test.example.net, 0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'),
    ),
    'zone listed twice': edited(DNS, 'dns.yaml', zones('test.example.net, test.example.net')),
    'zone equal to the domain': edited(DNS, 'dns.yaml', zones('test.example.net, test.example.org')),
    'apex NS': edited(DNS, 'dns.yaml', record('{ name: test.example.net, type: NS, value: ns.example.com }')),
    'A on a VM name': edited(
      DNS,
      'dns.yaml',
      record('{ name: git.test.example.org, type: A, value: 192.0.2.7 }'),
    ),
    'CNAME to itself': edited(
      DNS,
      'dns.yaml',
      record('{ name: x.test.example.org, type: CNAME, value: x.test.example.org }'),
    ),
    'image of another release': edited(DNS, 'images.yaml', (t) => t.replace('/bookworm/', '/trixie/')),
    'member named postgres': members((t) => t.replace('user: cy', 'user: postgres')),
    'member name with a template': members((t) => t.replace('name: Cy Twombly', 'name: "Cy {{ 7 * 7 }}"')),
  };
}

/** The bad inventories the loader's own tests use. */
function fixtureCases(): Record<string, string> {
  const root = 'test/fixtures/inventory';
  return Object.fromEntries(
    readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'base')
      .map((e) => [e.name, join(root, e.name)]),
  );
}

describe('check before synth', () => {
  const cases = newCases();

  it('refuses every new class with located findings', () => {
    for (const [what, dir] of Object.entries(cases)) {
      const result = loadInventory(dir, { today: FIXTURE_TODAY });
      expect(result.inventory, what).toBeUndefined();
      expect(result.errors.length, what).toBeGreaterThan(0);
      for (const f of result.errors) expect(f.line, `${what}: ${formatFinding(f)}`).toBeGreaterThan(0);
    }
  });

  it('every bad inventory that synth trips over, with the rules left out, is refused by the check', async () => {
    const all = { ...fixtureCases(), ...cases };
    const crashed: string[] = [];
    for (const [what, dir] of Object.entries(all)) {
      // Past the schemas only: what synth would see if no rule ran.
      const parsed = parseInventory(dir);
      if (!parsed.inventory) continue;
      try {
        await synthesize(deriveModel(parsed.inventory), join(work, what.replaceAll(' ', '-')), {});
      } catch {
        crashed.push(what);
        const checked = loadInventory(dir, { today: FIXTURE_TODAY });
        expect(checked.inventory, `${what}: synth fails on it, so the check must refuse it`).toBeUndefined();
      }
    }
    console.info(`check-before-synth: synth fails without the rules on ${crashed.join(', ')}`);
    // The case that crashed synth before this rule existed still does when the rules are left out.
    expect(crashed).toContain('derived reverse zone listed');
    // One synth per case: 133 s on a machine loaded by seven other suites.
  }, 300_000);

  it('npm run synth on a derived zone listed in dns.yaml refuses it in one line, no stack trace', () => {
    const out = join(work, 'synth-out');
    const dir = cases['derived reverse zone listed']!;
    const r = spawnSync(process.execPath, [compiled('cli/synth.ts'), '--inventory', dir, '--out', out], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /dns\.yaml:1:\d+ {2}zones\[1\] {2}zone 0\.0\.0\.0\.1\.0\.0\.0\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa is a reverse zone/,
    );
    expect(r.stderr).toContain('nothing written');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
  });
});
