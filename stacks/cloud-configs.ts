// Each VM's cloud-config, rendered once per inventory: the stack's snippet and the artifact are the same text.
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';

const rendered = new WeakMap<Inventory, Map<string, string>>();

export function cloudConfigOf(inventory: Inventory, vm: Vm): string {
  let byVm = rendered.get(inventory);
  if (!byVm) {
    byVm = new Map();
    rendered.set(inventory, byVm);
  }
  let text = byVm.get(vm.name);
  if (text === undefined) {
    text = renderCloudConfig(inventory, vm);
    byVm.set(vm.name, text);
  }
  return text;
}
