// Every rule of the two lists, found by reading inventory/rules/ and model/rules/ (no hand-kept list): each
// file is one named rule in its list, with its cases beside it, and each case gives exactly its findings.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INVENTORY_RULES } from '../inventory/rules/index.ts';
import type { Rule, RuleCases } from '../inventory/rules/rule.ts';
import { MODEL_RULES } from '../model/rules/index.ts';
import { runCase, type Subject } from './helpers/rule-cases.ts';

interface List {
  readonly folder: string;
  readonly subject: Subject;
  readonly registry: readonly Rule<never>[];
}

const LISTS: readonly List[] = [
  { folder: 'inventory/rules', subject: 'inventory', registry: INVENTORY_RULES as readonly Rule<never>[] },
  { folder: 'model/rules', subject: 'model', registry: MODEL_RULES as readonly Rule<never>[] },
];

/** The rule files of a folder: every .ts file but the list, the shape and the cases. */
const ruleFiles = (folder: string): string[] =>
  readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.cases.ts') && !['index.ts', 'rule.ts'].includes(f))
    .sort();

/** The module at `path` (from the repository's root), imported by its file URL. */
const load = (path: string): Promise<Record<string, unknown>> =>
  import(/* @vite-ignore */ pathToFileURL(resolve(path)).href) as Promise<Record<string, unknown>>;

const isRule = (value: unknown): value is Rule<never> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Rule<never>).name === 'string' &&
  typeof (value as Rule<never>).check === 'function';

for (const list of LISTS) {
  const files = ruleFiles(list.folder);
  describe(`${list.folder}`, () => {
    it('holds only rule files, each exporting one rule named after the file, all in the list', async () => {
      const found: Rule<never>[] = [];
      for (const file of files) {
        const rules = Object.values(await load(join(list.folder, file))).filter(isRule);
        expect(
          rules.map((r) => r.name),
          file,
        ).toEqual([basename(file, '.ts')]);
        found.push(rules[0]!);
      }
      expect(list.registry.map((r) => r.name).sort()).toEqual(found.map((r) => r.name).sort());
      expect(new Set(list.registry).size).toBe(list.registry.length);
      for (const rule of found) expect(list.registry).toContain(rule);
    });

    for (const file of files) {
      const name = basename(file, '.ts');
      describe(name, async () => {
        const casesFile = join(list.folder, `${name}.cases.ts`);
        const rule = list.registry.find((r) => r.name === name);
        const cases: RuleCases<never> = existsSync(casesFile)
          ? ((await load(casesFile)) as { cases: RuleCases<never> }).cases
          : [];
        it('has its cases beside it, at least one of them a finding', () => {
          expect(existsSync(casesFile), `${casesFile} is missing`).toBe(true);
          expect(cases.some((c) => c.findings.length > 0)).toBe(true);
        });
        it('finds nothing on the fixture organisation', () => {
          expect(runCase(rule!, list.subject, { name: 'fixture', findings: [] })).toEqual([]);
        });
        for (const c of cases)
          it(c.name, () => {
            expect(runCase(rule!, list.subject, c)).toEqual(c.findings);
          });
      });
    }
  });
}
