// Rule: no node or VM takes an address a gateway, a node or a VM already has.
import { formatAddress } from '../net.ts';
import { addressClaims } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const addressUsedTwice = inventoryRule('address-used-twice', (inventory) => {
  const report = reporter();
  const used = new Map<string, string>();
  for (const claim of addressClaims(inventory)) {
    const key = `${claim.family}:${claim.address}`;
    const owner = used.get(key);
    // Gateways are claimed first and never reported: a gateway's own problems are gateway-outside-prefix's.
    if (claim.kind === 'gateway' || !owner) {
      used.set(key, claim.owner);
      continue;
    }
    const shown = claim.kind === 'vm' ? formatAddress(claim.address, claim.family) : claim.text;
    report.error(claim.file, claim.path, `"${shown}" is already used by ${owner}; expected a free address`);
  }
  return report.findings;
});
