// Compares a configuration we render with an upstream's sample configuration for the pinned version (kept in
// test/fixtures/upstream/, written from the upstream's documentation): every key we write must exist in the
// sample, with the same type.

type Kind = 'string' | 'number' | 'boolean' | 'list' | 'map' | 'null';

function kindOf(value: unknown): Kind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value as 'string' | 'number' | 'boolean';
}

/**
 * The problems of `ours` against `sample`, one line each (`listeners[0].tls: boolean in ours, string in the
 * sample`); a list item is compared with the sample's first item. Empty when everything is known.
 */
export function sampleMismatches(ours: unknown, sample: unknown, path = ''): string[] {
  const [mine, theirs] = [kindOf(ours), kindOf(sample)];
  if (mine !== theirs) return [`${path || '(top)'}: ${mine} in ours, ${theirs} in the sample`];
  if (mine === 'list') {
    const first = (sample as unknown[])[0];
    return (ours as unknown[]).flatMap((item, i) =>
      first === undefined ? [] : sampleMismatches(item, first, `${path}[${i}]`),
    );
  }
  if (mine !== 'map') return [];
  const known = sample as Record<string, unknown>;
  return Object.entries(ours as Record<string, unknown>).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    return key in known ? sampleMismatches(value, known[key], at) : [`${at}: not in the sample`];
  });
}
