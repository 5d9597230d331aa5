// Rule: no two networks' prefixes overlap.
import type { Path } from '../findings.ts';
import { type Family, lastAddress, overlaps, type Prefix } from '../net.ts';
import { addressKey, FAMILIES } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

interface Entry {
  readonly prefix: Prefix;
  readonly path: Path;
  readonly network: string;
}

const byStart = (a: Entry, b: Entry): number =>
  a.prefix.network < b.prefix.network
    ? -1
    : a.prefix.network > b.prefix.network
      ? 1
      : a.prefix.length - b.prefix.length;

export const overlappingPrefixes = inventoryRule('overlapping-prefixes', (inventory) => {
  const report = reporter();
  const entries = inventory.networks.flatMap((net, i) =>
    FAMILIES.flatMap((family): Entry[] => {
      const key = addressKey(family);
      const prefix = net[key];
      return prefix ? [{ prefix, path: ['networks', i, key], network: net.name }] : [];
    }),
  );
  // Sorted by start, each compared with the widest range seen so far.
  for (const family of [4, 6] as Family[]) {
    let widest: Entry | undefined;
    for (const entry of entries.filter((e) => e.prefix.family === family).sort(byStart)) {
      if (widest && overlaps(widest.prefix, entry.prefix))
        report.error(
          'networks',
          entry.path,
          `${entry.prefix.text} overlaps ${widest.prefix.text} of network "${widest.network}"; expected disjoint prefixes`,
        );
      if (!widest || lastAddress(entry.prefix) > lastAddress(widest.prefix)) widest = entry;
    }
  }
  return report.findings;
});
