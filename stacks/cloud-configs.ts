// Each VM's cloud-config, rendered once per synth: the stack's snippet and the artifact are the same text.
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import type { PartsOf } from '../baseline/vm-model.ts';

/** The cloud-config of each of `vms`, by VM name; `partsOf` as for renderCloudConfig. */
export function renderCloudConfigs(model: Model, vms: readonly Vm[], partsOf?: PartsOf): Map<string, string> {
  return new Map(vms.map((vm) => [vm.name, renderCloudConfig(model, vm, partsOf)]));
}
