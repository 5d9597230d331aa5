// Each VM's cloud-config, rendered once per synth: the stack's snippet and the artifact are the same text.
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';

/** The cloud-config of each of `vms`, by VM name. */
export function renderCloudConfigs(model: Model, vms: readonly Vm[]): Map<string, string> {
  return new Map(vms.map((vm) => [vm.name, renderCloudConfig(model, vm)]));
}
