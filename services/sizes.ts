// The default size of a VM from the service catalog: the kinds it runs, each with its `size`. What
// model/load.ts hands the loader (inventory/sizes.ts), so vms.yaml gives cores and memory only to differ.
import type { DefaultSize } from '../inventory/sizes.ts';
import { sizeText } from '../inventory/sizes.ts';
import { CATALOG } from './catalog.ts';

/**
 * The larger cores and the larger memory of the sizes of `kinds` that the catalog knows, or undefined when
 * it knows none of them (an unknown kind is the catalog rules' finding).
 */
export function catalogSize(kinds: readonly string[]): DefaultSize | undefined {
  const known = [...new Set(kinds)].flatMap((kind) => {
    const def = CATALOG.get(kind);
    return def ? [{ kind, cores: def.size.cores, memory: def.size.memory }] : [];
  });
  if (known.length === 0) return undefined;
  const cores = Math.max(...known.map((k) => k.cores));
  const memory = Math.max(...known.map((k) => k.memory));
  const differ = {
    cores: known.some((k) => k.cores !== cores),
    memory: known.some((k) => k.memory !== memory),
  };
  const differing =
    differ.cores || differ.memory ? known.map((k) => `${k.kind} (${sizeText(k.cores, k.memory)})`) : [];
  return { cores, memory, differing, differ };
}
