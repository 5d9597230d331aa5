// The text files synth writes beside the stacks (cloud-configs, playbooks, monitoring, zones, access), rendered
// from the model without cdktf, so the process that writes them need not load it.
import type { Cluster } from '../inventory/clusters.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { renderAnsible } from '../baseline/ansible.ts';
import type { PartsOf } from '../baseline/vm-model.ts';
import { publishedKeys, renderAccessReport } from '../members/report.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { vmConvergeModels } from '../monitoring/icinga2-node.ts';
import { type MonitoringModel, monitoringModel } from '../monitoring/model.ts';
import { renderZone } from '../dns/zonefile.ts';
import { BOOT_IMAGES, bootImagesReport } from './boot-images.ts';
import { PINNED_RELEASES, pinnedReleasesReport } from './pinned-releases.ts';
import { renderCloudConfigs } from './cloud-configs.ts';
import { PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts } from './node-ssh.ts';

export function clustersInOrder(inventory: Inventory): Cluster[] {
  return [...inventory.clusters].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every VM, sorted by name. */
export function vmsByName(inventory: Inventory): Vm[] {
  return [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every VM's cloud-config by name, rendered once for the stacks' snippets and the artifacts. */
export function cloudConfigsOf(model: Model, partsOf?: PartsOf): Map<string, string> {
  return renderCloudConfigs(model, vmsByName(model.inventory), partsOf);
}

/**
 * Text files written next to the stacks under `artifacts/`, by path relative to it. `cloudConfigs` are the
 * texts the stacks upload (cloudConfigsOf), so the artifact is the snippet byte for byte; `monitoring` is the
 * monitoring model the synth summary counts too; `partsOf` gives each VM's baseline parts when the caller
 * worked them out already for the cloud-configs (partsOnce).
 */
export function artifacts(
  model: Model,
  cloudConfigs: ReadonlyMap<string, string> = cloudConfigsOf(model),
  monitoring: MonitoringModel = monitoringModel(model),
  partsOf?: PartsOf,
): Map<string, string> {
  const { inventory } = model;
  const files = new Map<string, string>();
  for (const vm of vmsByName(inventory)) {
    if (vm.os === 'other') continue;
    files.set(`cloud-init/${vm.name}.yaml`, cloudConfigs.get(vm.name) ?? '');
  }
  const icinga2 = renderIcinga2(model, monitoring);
  for (const [name, text] of icinga2) files.set(`icinga2/${name}`, text);
  const debian = vmConvergeModels(
    model,
    vmsByName(inventory).filter((vm) => vm.os !== 'other'),
    icinga2,
    partsOf,
  );
  for (const [name, text] of renderAnsible(model, debian)) files.set(`ansible/${name}`, text);
  // The zones exactly as the dns stack pushes them, for review and for the tests' Knot server.
  const { dns } = model;
  if (dns.primary)
    for (const zone of dns.zones) files.set(`dns/${zone.name}.zone`, renderZone(zone, dns.ttl.default));
  files.set(PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts(inventory));
  files.set(BOOT_IMAGES, bootImagesReport(inventory));
  files.set(PINNED_RELEASES, pinnedReleasesReport(inventory));
  files.set('access/access.md', renderAccessReport(inventory));
  for (const [name, text] of publishedKeys(inventory)) files.set(`access/${name}`, text);
  return files;
}
