// Rule: sites, networks, clusters and VMs each have names unique within their file.
import { type InventoryFile, reporter, type Rule } from './rule.ts';

export interface Duplicate {
  readonly index: number;
  /** Index of the earlier entry with the same name. */
  readonly first: number;
  readonly name: string;
}

/** Each entry whose name an earlier entry already has. */
export function duplicateNames(items: readonly { name: string }[]): Duplicate[] {
  const seen = new Map<string, number>();
  const out: Duplicate[] = [];
  items.forEach((item, index) => {
    const first = seen.get(item.name);
    if (first !== undefined) out.push({ index, first, name: item.name });
    else seen.set(item.name, index);
  });
  return out;
}

/** The message for a name defined twice in `list`, the same wherever the list is. */
export const definedTwice = (what: string, name: string, list: string, first: number): string =>
  `${what} "${name}" is defined twice (first at ${list}[${first}]); expected unique names`;

const FILES: readonly [InventoryFile & ('sites' | 'networks' | 'clusters' | 'vms'), string][] = [
  ['sites', 'site'],
  ['networks', 'network'],
  ['clusters', 'cluster'],
  ['vms', 'VM'],
];

export const uniqueNames: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  for (const [file, what] of FILES)
    for (const d of duplicateNames(inventory[file]))
      report.error(file, [file, d.index, 'name'], definedTwice(what, d.name, file, d.first));
  return report.findings;
};
