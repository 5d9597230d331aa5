// The text files synth writes beside the stacks (cloud-configs, playbooks, monitoring, zones, access), rendered
// from the model without cdktf, so the process that writes them need not load it.
import type { Cluster } from '../inventory/clusters.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { eachAnsibleFile } from '../baseline/ansible.ts';
import type { PartsOf } from '../baseline/vm-model.ts';
import { publishedKeys, renderAccessReport } from '../members/report.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { eachVmConvergeModel } from '../monitoring/icinga2-node.ts';
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

/** Where each artifact goes as soon as it is rendered: its path relative to `artifacts/`, and its text. */
export type ArtifactSink = (path: string, text: string) => void;

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
  const files = new Map<string, string>();
  eachArtifact(model, cloudConfigs, monitoring, partsOf, (path, text) => files.set(path, text));
  return files;
}

/**
 * The same artifacts, in the same order, each handed to `sink` as soon as it is rendered and then let go: at
 * 100x the example, holding every playbook (about 300 MB of text) and every VM's model until the last was
 * rendered kept synth's memory at 2 GB and its garbage collector busy.
 */
export function eachArtifact(
  model: Model,
  cloudConfigs: ReadonlyMap<string, string>,
  monitoring: MonitoringModel,
  partsOf: PartsOf | undefined,
  sink: ArtifactSink,
): void {
  const { inventory } = model;
  for (const vm of vmsByName(inventory)) {
    if (vm.os === 'other') continue;
    sink(`cloud-init/${vm.name}.yaml`, cloudConfigs.get(vm.name) ?? '');
  }
  const icinga2 = renderIcinga2(model, monitoring);
  for (const [name, text] of icinga2) sink(`icinga2/${name}`, text);
  const debian = vmsByName(inventory).filter((vm) => vm.os !== 'other');
  const models = eachVmConvergeModel(model, debian, icinga2, partsOf);
  eachAnsibleFile(model, debian, models, (name, text) => sink(`ansible/${name}`, text));
  // The zones exactly as the dns stack pushes them, for review and for the tests' Knot server.
  const { dns } = model;
  if (dns.primary)
    for (const zone of dns.zones) sink(`dns/${zone.name}.zone`, renderZone(zone, dns.ttl.default));
  sink(PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts(inventory));
  sink(BOOT_IMAGES, bootImagesReport(inventory));
  sink(PINNED_RELEASES, pinnedReleasesReport(inventory));
  sink('access/access.md', renderAccessReport(inventory));
  for (const [name, text] of publishedKeys(inventory)) sink(`access/${name}`, text);
}
