// Rule: every VM gets a reboot turn inside its window, and the VMs of one anti-affinity group reboot at
// least reboot_spacing minutes apart. The turns and their problems are the model's (inventory/reboots.ts,
// computed once by model/derive.ts); this rule only locates the problems.
import type { Finding } from '../findings.ts';
import type { RebootProblem } from '../reboots.ts';
import { reporter, type RuleInput } from './rule.ts';

export interface RebootRuleInput extends RuleInput {
  /** The problems of the model's reboot schedule. */
  readonly rebootProblems: readonly RebootProblem[];
}

export const rebootTurnsClash = ({ sources, rebootProblems }: RebootRuleInput): Finding[] => {
  const report = reporter(sources);
  for (const problem of rebootProblems)
    report.error('vms', ['vms', problem.vmIndex, problem.field], problem.message);
  return report.findings;
};
