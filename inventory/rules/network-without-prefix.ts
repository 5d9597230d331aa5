// Rule: every network has an IPv6 or an IPv4 prefix (or both).
import { inventoryRule, reporter } from './rule.ts';

export const networkWithoutPrefix = inventoryRule('network-without-prefix', (inventory) => {
  const report = reporter();
  inventory.networks.forEach((net, i) => {
    if (!net.ipv4 && !net.ipv6)
      report.error(
        'networks',
        ['networks', i],
        `network "${net.name}" has no prefix; expected ipv6 and/or ipv4`,
      );
  });
  return report.findings;
});
