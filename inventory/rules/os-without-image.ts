// Rule: every operating system a VM names (other than "other") has a pinned image in images.yaml.
import { reporter, type Rule } from './rule.ts';

export const osWithoutImage: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  inventory.vms.forEach((vm, vi) => {
    if (vm.os !== 'other' && !inventory.images[vm.os])
      report.error(
        'vms',
        ['vms', vi, 'os'],
        `${vm.os} has no pinned image; expected "${vm.os}: { url: <dated release URL>, sha512: <its SHA-512> }" under images: in images.yaml`,
      );
  });
  return report.findings;
};
