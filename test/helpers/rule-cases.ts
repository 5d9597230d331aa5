// Runs one case of a rule (`<rule>.cases.ts`, RuleCase): the fixture copied to a scratch directory and
// edited, parsed, the rule run alone on the inventory or on the model derived from it, its findings
// located and printed relative to the scratch directory.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFinding } from '../../inventory/findings.ts';
import { parseInventory, ruleContext } from '../../inventory/inventory.ts';
import { locate, type Rule, type RuleCase } from '../../inventory/rules/rule.ts';
import { deriveModel, type Model } from '../../model/derive.ts';
import { FIXTURE_TODAY } from './members.ts';

/** The fixture organisation a case starts from when it names none. */
export const DEFAULT_FIXTURE = ['org'];

/** What a rule of each list takes: the inventory as parsed, or the model derived from it. */
export type Subject = 'inventory' | 'model';

/** The findings of `rule` alone on the case's edited fixture, `file:line:col  path  message`. */
export function runCase<S>(rule: Rule<S>, subject: Subject, c: RuleCase<S>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rule-case-'));
  try {
    for (const fixture of c.fixture ?? DEFAULT_FIXTURE)
      cpSync(join('test/fixtures', fixture), dir, { recursive: true });
    for (const [file, edit] of Object.entries(c.edit ?? {})) {
      const path = join(dir, file);
      writeFileSync(path, edit(existsSync(path) ? readFileSync(path, 'utf8') : ''));
    }
    const parsed = parseInventory(dir);
    if (!parsed.inventory)
      throw new Error(
        `case "${c.name}": the fixture does not parse:\n${parsed.errors.map(formatFinding).join('\n')}`,
      );
    const context = ruleContext(parsed.sources, { today: c.today ?? FIXTURE_TODAY });
    const whole = (subject === 'inventory' ? parsed.inventory : deriveModel(parsed.inventory)) as S;
    const found = rule.check(c.change ? c.change(whole) : whole, context);
    return locate(found, parsed.sources).map((f) => formatFinding(f).replace(`${dir}/`, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type { Model };
