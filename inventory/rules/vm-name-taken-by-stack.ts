// Rule: a VM may not be named like a resource its cluster stack creates for itself (Terraform names share one namespace per type).

import { inventoryRule, reporter } from './rule.ts';

/**
 * Names the cluster stack gives its own resources of a type a VM also creates, with what they are. A VM
 * with such a name would give two resources one Terraform address: cdktf merges them into one, so its
 * firewall rules would silently become the whole cluster's. (test/rules.vm-name.test.ts keeps this list
 * complete against what the stack really synthesizes.)
 */
export const STACK_OWN_NAMES: ReadonlyMap<string, string> = new Map([
  ['cluster', 'the cluster-wide firewall rules (proxmox_virtual_environment_firewall_rules.cluster)'],
]);

export const vmNameTakenByStack = inventoryRule('vm-name-taken-by-stack', (inventory) => {
  const report = reporter();
  const groups = new Set(inventory.vms.flatMap((vm) => (vm.anti_affinity ? [vm.anti_affinity] : [])));
  inventory.vms.forEach((vm, i) => {
    const own = STACK_OWN_NAMES.get(vm.name);
    if (own)
      report.error(
        'vms',
        ['vms', i, 'name'],
        `"${vm.name}" is a name the cluster stack uses for ${own}; expected another VM name`,
      );
    // An HA VM's node rule is `<vm>-node`, an anti-affinity group's rule `anti-<group>`.
    const rule = `${vm.name}-node`;
    if (vm.ha && rule.startsWith('anti-') && groups.has(rule.slice('anti-'.length)))
      report.error(
        'vms',
        ['vms', i, 'name'],
        `"${vm.name}" gives its HA node rule the name "${rule}", which the rule of anti-affinity group "${rule.slice(5)}" has; expected another VM or group name`,
      );
  });
  return report.findings;
});
