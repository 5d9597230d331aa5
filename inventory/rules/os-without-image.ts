// Rule: every operating system a VM names (other than "other") has a pinned image in images.yaml.
import { inventoryRule, reporter } from './rule.ts';

export const osWithoutImage = inventoryRule('os-without-image', (inventory) => {
  const report = reporter();
  inventory.vms.forEach((vm, vi) => {
    if (vm.os !== 'other' && !inventory.images[vm.os])
      report.error(
        'vms',
        ['vms', vi, 'os'],
        `${vm.os} has no pinned image; expected "${vm.os}: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml`,
      );
  });
  return report.findings;
});
