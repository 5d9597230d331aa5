// Builds the cdktf App from a validated inventory: one stack per cluster, plus the artifacts reviewers read.
import { App } from 'cdktf';
import type { Inventory } from '../inventory/inventory.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { ClusterStack } from './ClusterStack.ts';
import { cloudConfigOf } from './cloud-configs.ts';

export function buildApp(inventory: Inventory, outdir: string, env: NodeJS.ProcessEnv = process.env): App {
  // Stack traces on every construct cost time and end up in the JSON; nobody reads them there.
  const app = new App({ outdir, stackTraces: false });
  for (const cluster of [...inventory.clusters].sort((a, b) => a.name.localeCompare(b.name))) {
    new ClusterStack(app, { inventory, cluster, env });
  }
  return app;
}

/** Text files written next to the stacks under `artifacts/`, by path relative to it. */
export function artifacts(inventory: Inventory): Map<string, string> {
  const files = new Map<string, string>();
  for (const vm of [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name))) {
    if (vm.os === 'other') continue;
    files.set(`cloud-init/${vm.name}.yaml`, cloudConfigOf(inventory, vm));
  }
  for (const [name, text] of renderIcinga2(inventory)) files.set(`icinga2/${name}`, text);
  return files;
}
