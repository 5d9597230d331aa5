// The one shape of a check: a named rule, one file per rule named after what it forbids, a function from its
// subject (the inventory here; the derived model in model/rules/) to findings at a file's field, located by
// the loader. Next to each rule, `<name>.cases.ts` holds its valid and invalid cases (RuleCases).
import type { Finding, Path } from '../findings.ts';
import type { Inventory } from '../inventory.ts';
import type { SourceFile } from '../source.ts';

/** The inventory's files, as findings name them. */
export type InventoryFile =
  'org' | 'sites' | 'networks' | 'clusters' | 'vms' | 'images' | 'releases' | 'dns' | 'members' | 'roles';

/** What every rule may know besides its subject. */
export interface RuleContext {
  /** The day the check runs, YYYY-MM-DD; membership expiry is judged against it. */
  readonly today: string;
  /** The files the loader read: an optional file's absence may mean "not in use yet" (releases.yaml). */
  readonly files: ReadonlySet<InventoryFile>;
}

/** A finding at a field of an inventory file; the loader turns it into `FILE:LINE:COL  path  message`. */
export interface RuleFinding {
  readonly severity: 'error' | 'warning';
  readonly file: InventoryFile;
  readonly path: Path;
  readonly message: string;
  /** Point at the key that names the field rather than its value. */
  readonly key?: boolean;
}

/** A rule: its name (its file's name) and its check of a subject. */
export interface Rule<Subject> {
  readonly name: string;
  readonly check: (subject: Subject, context: RuleContext) => RuleFinding[];
  /** Runs only when the rules before it in its list found no error: what it checks is built from what they check. */
  readonly whenClean?: boolean;
}

/** A rule that needs only the inventory as the schemas parsed it (the list: inventory/rules/index.ts). */
export type InventoryRule = Rule<Inventory>;

/** Makes a rule of `check`, named after its file: `export const x = inventoryRule('x', (inventory) => ...)`. */
export function defineRule<Subject>(
  name: string,
  check: Rule<Subject>['check'],
  options: { readonly whenClean?: boolean } = {},
): Rule<Subject> {
  return { name, check, ...options };
}

export const inventoryRule = (name: string, check: InventoryRule['check']): InventoryRule =>
  defineRule(name, check);

/** Runs `rules` on `subject` and locates their findings in `sources` (a finding in a file not read is dropped). */
export function runRules<Subject>(
  rules: readonly Rule<Subject>[],
  subject: Subject,
  context: RuleContext,
  sources: ReadonlyMap<InventoryFile, SourceFile>,
): Finding[] {
  const found: Finding[] = [];
  for (const rule of rules) {
    if (rule.whenClean && found.some((f) => f.severity === 'error')) continue;
    found.push(...locate(rule.check(subject, context), sources));
  }
  return found;
}

/** The findings at their file, line and column. */
export function locate(
  findings: readonly RuleFinding[],
  sources: ReadonlyMap<InventoryFile, SourceFile>,
): Finding[] {
  return findings.flatMap((f) => {
    const source = sources.get(f.file);
    return source ? [source.finding(f.severity, f.path, f.message, f.key)] : [];
  });
}

/** Reports at a field of a file: `report.error('vms', ['vms', 3, 'node'], 'message')`. */
export interface Reporter {
  readonly findings: RuleFinding[];
  error(file: InventoryFile, path: Path, message: string, key?: boolean): void;
  warning(file: InventoryFile, path: Path, message: string, key?: boolean): void;
}

export function reporter(): Reporter {
  const findings: RuleFinding[] = [];
  const at =
    (severity: RuleFinding['severity']) =>
    (file: InventoryFile, path: Path, message: string, key = false): void => {
      findings.push({ severity, file, path, message, ...(key ? { key } : {}) });
    };
  return { findings, error: at('error'), warning: at('warning') };
}

/** GiB as messages print it. */
export const gib = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(2)} GiB`;

/**
 * A rule's cases, in `<rule>.cases.ts` beside it; test/rules.cases.test.ts finds every rule and runs them.
 * Each case starts from a fixture organisation (a folder of test/fixtures/), edits its files' text or the
 * loaded subject, runs the rule alone and expects exactly `findings`, `file:line:col  path  message` with
 * the file relative to the fixture. A case without findings is a valid one.
 */
export interface RuleCase<Subject> {
  readonly name: string;
  /** Folders of test/fixtures/ copied over one another. @default ['org'], the fixture organisation */
  readonly fixture?: readonly string[];
  /** New text of some of the fixture's files, from their old text, by file name. */
  readonly edit?: Readonly<Record<string, (text: string) => string>>;
  /** A change of the loaded subject (the inventory, or the derived model). */
  readonly change?: (subject: Subject) => Subject;
  /** The day the check runs. @default the members fixture's day, 2036-01-15 */
  readonly today?: string;
  readonly findings: readonly string[];
}

export type RuleCases<Subject> = readonly RuleCase<Subject>[];
