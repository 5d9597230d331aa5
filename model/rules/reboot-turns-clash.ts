// Rule: every VM gets a reboot turn inside its window, and the VMs of one anti-affinity group reboot at
// least reboot_spacing minutes apart (the model's reboot schedule, inventory/reboots.ts).
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const rebootTurnsClash = modelRule('reboot-turns-clash', ({ rebootProblems }) => {
  const report = reporter();
  for (const problem of rebootProblems)
    report.error('vms', ['vms', problem.vmIndex, problem.field], problem.message);
  return report.findings;
});
