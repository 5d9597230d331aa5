// The fixed order the deploy pipeline applies stacks in: clusters as the inventory lists them, then the rest.
import type { Inventory } from '../inventory/inventory.ts';
import { clusterStackName } from '../stacks/naming.ts';

/**
 * Cluster stacks in inventory order (so the first-listed cluster goes first and a person can predict it), then
 * every other synthesized stack (dns, members, ...) by name. Without a synth output, the cluster stacks alone.
 */
export function deployOrder(inventory: Inventory, synthesized: readonly string[]): string[] {
  const clusters = inventory.clusters.map((c) => clusterStackName(c.name));
  if (synthesized.length === 0) return clusters;
  const present = new Set(synthesized);
  const first = clusters.filter((s) => present.has(s));
  const rest = [...present].filter((s) => !clusters.includes(s)).sort();
  return [...first, ...rest];
}
