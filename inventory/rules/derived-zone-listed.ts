// Rule: dns.yaml lists no reverse zone: every reverse zone is derived from the prefixes of networks.yaml, so
// listing one makes a second copy of the same zone, which synth cannot build.
import { reporter, type Rule } from './rule.ts';

export const derivedZoneListed: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  (inventory.dns?.zones ?? []).forEach((zone, i) => {
    if (zone === 'arpa' || zone.endsWith('.arpa'))
      report.error(
        'dns',
        ['zones', i],
        `zone ${zone} is a reverse zone, which the model derives from the prefixes of networks.yaml; expected only forward zones here`,
      );
  });
  return report.findings;
};
