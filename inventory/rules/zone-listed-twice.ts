// Rule: each zone of dns.yaml is listed once and is not org.yaml's domain, which is always a zone of ours
// (the model merged both silently, so the second entry changed nothing and misled its reader).
import { inventoryRule, reporter } from './rule.ts';

export const zoneListedTwice = inventoryRule('zone-listed-twice', (inventory) => {
  const report = reporter();
  const first = new Map<string, number>();
  (inventory.dns?.zones ?? []).forEach((zone, i) => {
    if (zone === inventory.org.domain)
      report.error(
        'dns',
        ['zones', i],
        `zone ${zone} is org.yaml's domain, which is always a zone of ours; expected only other zones here`,
      );
    else if (first.has(zone))
      report.error(
        'dns',
        ['zones', i],
        `zone ${zone} is listed twice (first at zones[${first.get(zone)}]); expected each zone once`,
      );
    else first.set(zone, i);
  });
  return report.findings;
});
