// The cases of reboot-turns-clash, run by test/rules.cases.test.ts: each edits a fixture organisation and
// expects exactly these findings of this rule alone.
import type { RuleCases } from '../../inventory/rules/rule.ts';
import { deriveModel, type Model } from '../derive.ts';

export const cases: RuleCases<Model> = [
  {
    name: 'two VMs of one group rebooting 10 minutes apart',
    change: (m) =>
      deriveModel({
        ...m.inventory,
        vms: m.inventory.vms.map((vm) =>
          vm.name === 'proxy2' ? { ...vm, reboot_window: '02:40-05:00' } : vm,
        ),
      }),
    findings: [
      'vms.yaml:21:5  vms[1].reboot_window  reboots at 03:10, 10 minutes from "proxy1" of group "proxy" at 03:00; expected at least 30 minutes apart',
    ],
  },
];
