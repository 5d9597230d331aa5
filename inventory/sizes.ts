// A VM's cores and memory: what vms.yaml says, else the default size of what it runs (the service catalog's,
// which model/load.ts passes in, since inventory/ knows no kinds). Applied once, right after the schemas.
import type { Finding } from './findings.ts';
import { gib } from './rules/rule.ts';
import type { SourceFile } from './source.ts';
import type { Vm, VmEntry } from './vms.schema.ts';

/** The default size of a VM running some kinds: the larger cores and the larger memory of their sizes. */
export interface DefaultSize {
  readonly cores: number;
  /** GiB. */
  readonly memory: number;
  /** Each kind's own size when they differ, as `gitea (4 cores, 8 GiB)`; empty when they agree. */
  readonly differing: readonly string[];
  /** Which of cores and memory differ between the kinds. */
  readonly differ: { readonly cores: boolean; readonly memory: boolean };
}

/** The default size for a VM running `kinds` (vms.yaml order), or undefined when none of them has one. */
export type SizeDefaults = (kinds: readonly string[]) => DefaultSize | undefined;

export interface SizedVms {
  readonly vms: Vm[];
  readonly errors: Finding[];
  readonly warnings: Finding[];
}

/** A size as messages print it. */
export const sizeText = (cores: number, memory: number): string =>
  `${cores} ${cores === 1 ? 'core' : 'cores'}, ${gib(memory)}`;

/**
 * Fills in each VM's missing cores and memory from `defaults`. A VM that leaves one out and runs no kind with
 * a size is an error; one whose kinds disagree on a size it leaves out gets the larger of each and a warning,
 * so a reviewer sees which size it runs with.
 */
export function applySizes(
  entries: readonly VmEntry[],
  defaults: SizeDefaults | undefined,
  source: SourceFile,
): SizedVms {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const vms = entries.map((entry, i): Vm => {
    const missing = (['cores', 'memory'] as const).filter((f) => entry[f] === undefined);
    const size = missing.length > 0 ? defaults?.(entry.services.map((s) => s.kind)) : undefined;
    if (missing.length > 0 && !size)
      for (const field of missing)
        errors.push(
          source.finding(
            'error',
            ['vms', i, field],
            `is missing; expected ${field} (no service this VM runs has a default size)`,
          ),
        );
    const unsure = missing.filter((f) => size?.differ[f]);
    if (size && unsure.length > 0)
      warnings.push(
        source.finding(
          'warning',
          ['vms', i, 'services'],
          `runs kinds of different default sizes (${size.differing.join(', ')}) and gives no ${unsure.join(' or ')}; took the larger of each (${sizeText(size.cores, size.memory)}); expected ${unsure.join(' and ')} in vms.yaml`,
        ),
      );
    return { ...entry, cores: entry.cores ?? size?.cores ?? 1, memory: entry.memory ?? size?.memory ?? 1 };
  });
  return { vms, errors, warnings };
}
