// Rule: a VM's NIC address is a host address inside its network's prefix of the same family.
import type { Path } from '../findings.ts';
import { contains, parseAddress, reservedReason } from '../net.ts';
import { addressKey, FAMILIES, networkPrefixes, vmsOnKnownClusters } from '../references.ts';
import { inventoryRule, reporter } from './rule.ts';

export const vmAddressOutsidePrefix = inventoryRule('vm-address-outside-prefix', (inventory) => {
  const report = reporter();
  const networks = new Set(inventory.networks.map((n) => n.name));
  const prefixes = networkPrefixes(inventory);
  for (const { vm, index } of vmsOnKnownClusters(inventory)) {
    vm.nics.forEach((nic, ni) => {
      // A NIC on an unknown network is nic-on-foreign-network's.
      if (!networks.has(nic.network)) return;
      for (const family of FAMILIES) {
        const key = addressKey(family);
        const text = nic[key];
        if (text === undefined) continue;
        const path: Path = ['vms', index, 'nics', ni, key];
        const prefix = prefixes.get(nic.network)?.[family];
        if (!prefix) {
          report.error(
            'vms',
            path,
            `"${text}" is IPv${family}, but network "${nic.network}" has no IPv${family} prefix`,
          );
          continue;
        }
        const address = parseAddress(text, family)!;
        const reason = reservedReason(prefix, address);
        if (!contains(prefix, address))
          report.error(
            'vms',
            path,
            `"${text}" is outside ${prefix.text} of network "${nic.network}"; expected an address inside it`,
          );
        else if (reason)
          report.error('vms', path, `"${text}" ${reason} of ${prefix.text}; expected a host address`);
      }
    });
  }
  return report.findings;
});
