// Rule: a network's gateway is a host address inside the network's prefix of its family.
import type { Path } from '../findings.ts';
import { contains, parseAddress, reservedReason } from '../net.ts';
import { addressKey, FAMILIES } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const gatewayOutsidePrefix = inventoryRule('gateway-outside-prefix', (inventory) => {
  const report = reporter();
  inventory.networks.forEach((net, i) => {
    for (const family of FAMILIES) {
      const key = family === 4 ? 'gateway4' : 'gateway6';
      const gw = net[key];
      if (gw === undefined) continue;
      const path: Path = ['networks', i, key];
      const prefix = net[addressKey(family)];
      if (!prefix) {
        report.error('networks', path, `gateway "${gw}" given but the network has no IPv${family} prefix`);
        continue;
      }
      const address = parseAddress(gw, family)!;
      const reason = reservedReason(prefix, address);
      if (!contains(prefix, address))
        report.error(
          'networks',
          path,
          `"${gw}" is outside ${prefix.text}; expected an address inside the prefix`,
        );
      else if (reason) report.error('networks', path, `"${gw}" ${reason} of ${prefix.text}`);
    }
  });
  return report.findings;
});
