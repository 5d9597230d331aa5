// What a check of the inventory is: one rule per file under inventory/rules/ (or services/rules/), named
// after what it forbids, a function from the read inventory to its findings. The loader runs the list.
import type { Finding, Path } from '../findings.ts';
import type { Inventory } from '../inventory.ts';
import type { SourceFile } from '../source.ts';

/** The inventory's files, as findings name them. */
export type InventoryFile =
  'org' | 'sites' | 'networks' | 'clusters' | 'vms' | 'images' | 'releases' | 'dns' | 'members' | 'roles';

/** What a rule sees: the inventory as the schemas parsed it, and the files to locate findings in. */
export interface RuleInput {
  readonly inventory: Inventory;
  readonly sources: ReadonlyMap<InventoryFile, SourceFile>;
}

export type Rule = (input: RuleInput) => Finding[];

/** Reports at a field of a file: `report.error('vms', ['vms', 3, 'node'], 'message')`. */
export interface Reporter {
  readonly findings: Finding[];
  error(file: InventoryFile, path: Path, message: string, key?: boolean): void;
  warning(file: InventoryFile, path: Path, message: string, key?: boolean): void;
}

export function reporter(sources: RuleInput['sources']): Reporter {
  const findings: Finding[] = [];
  const at =
    (severity: Finding['severity']) =>
    (file: InventoryFile, path: Path, message: string, key = false): void => {
      const source = sources.get(file);
      if (source) findings.push(source.finding(severity, path, message, key));
    };
  return { findings, error: at('error'), warning: at('warning') };
}

/** GiB as messages print it. */
export const gib = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(2)} GiB`;
