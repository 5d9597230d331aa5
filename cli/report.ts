// Prints inventory findings and the one-line summary the way every command shows them.

import { formatFinding } from '../inventory/findings.ts';
import type { LoadResult } from '../inventory/inventory.ts';

export function inventorySummary(result: LoadResult): string {
  const counts = `${result.errors.length} error${result.errors.length === 1 ? '' : 's'}, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`;
  const inv = result.inventory;
  if (!inv) return counts;
  const nodes = inv.clusters.reduce((sum, c) => sum + c.nodes.length, 0);
  return `${inv.sites.length} sites, ${inv.clusters.length} clusters, ${nodes} nodes, ${inv.vms.length} VMs: ${counts}`;
}

export function printFindings(result: LoadResult, out: (line: string) => void): void {
  for (const f of result.errors) out(formatFinding(f));
  for (const f of result.warnings) out(formatFinding(f));
}
