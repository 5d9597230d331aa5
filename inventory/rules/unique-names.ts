// Rule: sites, networks, clusters and VMs each have names unique within their file.
import { inventoryRule, type InventoryFile, reporter } from './rule.ts';

export interface Duplicate {
  readonly index: number;
  /** Index of the earlier entry with the same name. */
  readonly first: number;
  readonly name: string;
}

/** Each entry whose name an earlier entry already has. */
export const duplicateNames = (items: readonly { name: string }[]): Duplicate[] =>
  duplicatesBy(items, (item) => item.name);

/** Each entry whose key (a member's `user`, say) an earlier entry already has. */
export function duplicatesBy<T>(items: readonly T[], nameOf: (item: T) => string): Duplicate[] {
  const seen = new Map<string, number>();
  const out: Duplicate[] = [];
  items.forEach((item, index) => {
    const name = nameOf(item);
    const first = seen.get(name);
    if (first !== undefined) out.push({ index, first, name });
    else seen.set(name, index);
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

export const uniqueNames = inventoryRule('unique-names', (inventory) => {
  const report = reporter();
  for (const [file, what] of FILES)
    for (const d of duplicateNames(inventory[file]))
      report.error(file, [file, d.index, 'name'], definedTwice(what, d.name, file, d.first));
  return report.findings;
});
