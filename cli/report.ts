// Prints inventory findings and the one-line summary the way every command shows them.

import { cut, formatFinding, LINE_LIMIT } from '../inventory/findings.ts';
import type { LoadResult } from '../inventory/inventory.ts';

export function inventorySummary(result: LoadResult): string {
  const counts = `${result.errors.length} error${result.errors.length === 1 ? '' : 's'}, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`;
  const inv = result.inventory;
  if (!inv) return counts;
  const nodes = inv.clusters.reduce((sum, c) => sum + c.nodes.length, 0);
  return `${inv.sites.length} sites, ${inv.clusters.length} clusters, ${nodes} nodes, ${inv.vms.length} VMs: ${counts}`;
}

export function printFindings(result: LoadResult, out: (line: string) => void): void {
  // A line is cut, not wrapped: a key or a list in a message must not flood a CI log.
  for (const f of result.errors) out(cut(formatFinding(f), LINE_LIMIT));
  for (const f of result.warnings) out(cut(formatFinding(f), LINE_LIMIT));
}
