// Rule: every VM gets a reboot turn inside its window, and the VMs of one anti-affinity group reboot at
// least reboot_spacing minutes apart (inventory/reboots.ts computes the turns).
import { rebootSchedule } from '../reboots.ts';
import { reporter, type Rule } from './rule.ts';

export const rebootTurnsClash: Rule = ({ inventory, sources }) => {
  const report = reporter(sources);
  for (const problem of rebootSchedule(inventory).problems)
    report.error('vms', ['vms', problem.vmIndex, problem.field], problem.message);
  return report.findings;
};
