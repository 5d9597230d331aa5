// Property: random text with Jinja openers, quotes, line breaks and control characters in every free-text
// field of members.yaml, roles.yaml, dns.yaml, org.yaml and vms.yaml never crashes the check, and any value
// it accepts comes out literally in what synth writes (Terraform JSON, playbooks, zone files, Icinga2). No
// free-text field reaches nginx: its names are domain grammars.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { synthesize } from '../stacks/synth.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';

const work = mkdtempSync(join(tmpdir(), 'free-text-'));
const members = fixtureOrg();
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(members, { recursive: true, force: true });
});

/** Where a written value must show up: Terraform JSON, the playbooks, the zone files, Icinga2, or nowhere. */
type Output = 'terraform' | 'playbooks' | 'zones' | 'icinga2';

interface Field {
  readonly from: string;
  readonly file: string;
  readonly path: readonly (string | number)[];
  readonly outputs: readonly Output[];
}

const FIELDS: readonly Field[] = [
  { from: members, file: 'members.yaml', path: ['members', 2, 'name'], outputs: ['terraform', 'playbooks'] },
  { from: members, file: 'roles.yaml', path: ['roles', 1, 'description'], outputs: ['terraform'] },
  { from: members, file: 'vms.yaml', path: ['vms', 0, 'notes'], outputs: ['terraform'] },
  { from: members, file: 'org.yaml', path: ['name'], outputs: [] },
  // Not one of the five files, but its free text reaches the monitoring configuration.
  { from: 'test/fixtures/org', file: 'sites.yaml', path: ['sites', 0, 'location'], outputs: ['icinga2'] },
  {
    from: 'test/fixtures/dns/org',
    file: 'dns.yaml',
    path: ['records', 0, 'value'],
    outputs: ['terraform', 'zones'],
  },
  { from: 'test/fixtures/dns/org', file: 'dns.yaml', path: ['records', 0, 'comment'], outputs: [] },
];

/** Text a careless or hostile contributor writes: template openers, quotes, breaks, escapes, Terraform markers. */
const PIECES = [
  '{{',
  '}}',
  '{%',
  '%}',
  '{#',
  '"',
  "'",
  '\n',
  '\r',
  '\t',
  '\u001b[31m',
  '\u0000',
  '\u2028',
  '$',
  '${',
  '%{',
  '\\',
  ':',
  ',',
  '=',
  ';',
  ' ',
  'a',
  'Zoë',
  'x',
];
const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom('Dana Scully', 'v=spf1 mx -all', 'plain words only'),
);

/** Every string leaf of a parsed document. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The texts synth wrote, decoded from their format, by output. */
function decoded(out: string, output: Output): string[] {
  if (output === 'terraform')
    return filesUnder(join(out, 'stacks'))
      .filter((f) => f.endsWith('.tf.json'))
      .flatMap((f) => strings(JSON.parse(readFileSync(f, 'utf8'))))
      .map((s) => s.replaceAll('$${', '${').replaceAll('%%{', '%{'));
  if (output === 'playbooks')
    return filesUnder(join(out, 'artifacts', 'ansible')).flatMap((f) =>
      f.endsWith('.yml') ? strings(parse(readFileSync(f, 'utf8'), { customTags: ANSIBLE_YAML_TAGS })) : [],
    );
  if (output === 'icinga2')
    return filesUnder(join(out, 'artifacts', 'icinga2')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => icingaText(m[1]!)),
    );
  // A TXT's strings of a zone file, joined again as RFC 1035 reads them.
  return filesUnder(join(out, 'artifacts', 'dns')).flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => / IN TXT "/.test(l))
      .map((l) => [...l.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('')),
  );
}

/** An Icinga2 string literal's text: its escapes and doubled `$` read back. */
function icingaText(literal: string): string {
  const named: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
  return literal
    .replace(/\\([0-7]{3}|.)/g, (_, c: string) =>
      c.length === 3 ? String.fromCharCode(parseInt(c, 8)) : (named[c] ?? c),
    )
    .replaceAll('$$', '$');
}

let run = 0;
const tally = { refused: 0, accepted: 0, checkedOutputs: 0 };

describe('free text in every inventory file', () => {
  it('never crashes the check, and an accepted value comes out literally', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIELDS), hostileText, async (field, text) => {
        const dir = join(work, `case-${run++}`);
        cpSync(field.from, dir, { recursive: true });
        const file = join(dir, field.file);
        const doc = parseDocument(readFileSync(file, 'utf8'));
        doc.setIn(field.path, text);
        writeFileSync(file, doc.toString({ lineWidth: 0 }));
        const result = loadInventory(dir, { today: FIXTURE_TODAY });
        if (!result.inventory) {
          // Refused: one located finding at least, never a crash.
          expect(result.errors.length).toBeGreaterThan(0);
          tally.refused++;
          return;
        }
        tally.accepted++;
        tally.checkedOutputs += field.outputs.length;
        const out = join(dir, 'out');
        await synthesize(deriveModel(result.inventory), out, {});
        for (const output of field.outputs)
          expect(
            decoded(out, output).some((s) => s.includes(text)),
            `${field.file} ${field.path.join('.')} ${JSON.stringify(text)} in ${output}`,
          ).toBe(true);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 42, seed: 19 },
    );
    console.info(`free text: ${JSON.stringify(tally)}`);
    // Both sides of the property ran: some values were refused, some accepted and found in the output.
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.checkedOutputs).toBeGreaterThan(0);
  }, 900_000);
});
