// Rule: dns.yaml lists no reverse zone: every reverse zone is derived from the prefixes of networks.yaml, so
// listing one makes a second copy of the same zone, which synth cannot build.
import { inventoryRule, reporter } from './rule.ts';

export const derivedZoneListed = inventoryRule('derived-zone-listed', (inventory) => {
  const report = reporter();
  (inventory.dns?.zones ?? []).forEach((zone, i) => {
    if (zone === 'arpa' || zone.endsWith('.arpa'))
      report.error(
        'dns',
        ['zones', i],
        `zone ${zone} is a reverse zone, which the model derives from the prefixes of networks.yaml; expected only forward zones here`,
      );
  });
  return report.findings;
});
