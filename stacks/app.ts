// Builds the cdktf App from a validated inventory: one stack per cluster, plus the artifacts reviewers read.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraApp } from '../constructs/InfraApp.ts';
import type { Cluster } from '../inventory/clusters.schema.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { renderAnsible } from '../baseline/ansible.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { publishedKeys, renderAccessReport } from '../members/report.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { serviceInstances } from '../services/instances.ts';
import { buildDnsModel } from '../dns/model.ts';
import { renderZone } from '../dns/zonefile.ts';
import { BOOT_IMAGES, bootImagesReport } from './boot-images.ts';
import { ClusterStack } from './ClusterStack.ts';
import { DnsStack } from './DnsStack.ts';
import { ForgeStack } from './ForgeStack.ts';
import { forgePlan } from '../members/forge.ts';
import { cloudConfigOf } from './cloud-configs.ts';
import { PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts } from './node-ssh.ts';

export function clustersInOrder(inventory: Inventory): Cluster[] {
  return [...inventory.clusters].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Synthesizes one cluster's stack in an App of its own into `outdir`. Stacks share nothing, so building
 * them one at a time keeps memory flat and time linear in the size of the organisation.
 */
export function synthClusters(
  inventory: Inventory,
  clusters: readonly string[],
  apps: string,
  env: NodeJS.ProcessEnv,
): void {
  for (const name of clusters) {
    const cluster = inventory.clusters.find((c) => c.name === name);
    if (cluster) synthClusterApp(inventory, cluster, join(apps, name), env);
  }
}

export function synthClusterApp(
  inventory: Inventory,
  cluster: Cluster,
  outdir: string,
  env: NodeJS.ProcessEnv,
): void {
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new ClusterStack(app, { inventory, cluster, env });
  app.synth();
}

/**
 * Synthesizes the dns stack in an App of its own into `outdir`; false (and nothing written) when the
 * inventory runs no dns-primary to push to.
 */
export function synthDnsApp(inventory: Inventory, outdir: string, env: NodeJS.ProcessEnv): boolean {
  const model = buildDnsModel(inventory);
  if (!model.primary) return false;
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new DnsStack(app, { model, env });
  app.synth();
  return true;
}

/**
 * Synthesizes the forge stack in an App of its own into `outdir`; false (and nothing written) when org.yaml
 * names no forge.
 */
export function synthForgeApp(inventory: Inventory, outdir: string, env: NodeJS.ProcessEnv): boolean {
  const plan = forgePlan(inventory);
  if (!plan) return false;
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new ForgeStack(app, { plan, env });
  app.synth();
  return true;
}

/** Text files written next to the stacks under `artifacts/`, by path relative to it. */
export function artifacts(inventory: Inventory): Map<string, string> {
  const files = new Map<string, string>();
  for (const vm of [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name))) {
    if (vm.os === 'other') continue;
    files.set(`cloud-init/${vm.name}.yaml`, cloudConfigOf(inventory, vm));
  }
  for (const [name, text] of renderIcinga2(inventory)) files.set(`icinga2/${name}`, text);
  const instances = serviceInstances(inventory);
  const debian = [...inventory.vms]
    .filter((vm) => vm.os !== 'other')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((vm) => convergeModel(inventory, vm, instances));
  for (const [name, text] of renderAnsible(inventory, debian)) files.set(`ansible/${name}`, text);
  // The zones exactly as the dns stack pushes them, for review and for the tests' Knot server.
  const dns = buildDnsModel(inventory);
  if (dns.primary)
    for (const zone of dns.zones) files.set(`dns/${zone.name}.zone`, renderZone(zone, dns.ttl.default));
  files.set(PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts(inventory));
  files.set(BOOT_IMAGES, bootImagesReport(inventory));
  files.set('access/access.md', renderAccessReport(inventory));
  for (const [name, text] of publishedKeys(inventory)) files.set(`access/${name}`, text);
  return files;
}
