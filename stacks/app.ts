// Builds the cdktf Apps from the derived model of a validated inventory: one stack per cluster, the dns stack
// and the forge stack (the artifacts beside them come from stacks/artifacts.ts, which needs no cdktf).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraApp } from '../constructs/InfraApp.ts';
import type { Model } from '../model/derive.ts';
import { type ClusterModel, ClusterStack, type ClusterStackProps } from './ClusterStack.ts';
import { DnsStack } from './DnsStack.ts';
import { ForgeStack } from './ForgeStack.ts';
import { DRONE_LOGIN_PATH, DRONE_SERVER } from '../baseline/drone.ts';
import { forgePlan } from '../members/forge.ts';

/**
 * Synthesizes one cluster's stack in an App of its own into `outdir`. Stacks share nothing, so building
 * them one at a time keeps memory flat and time linear in the size of the organisation.
 */
export function synthClusters(
  model: ClusterModel,
  cloudConfigs: ReadonlyMap<string, string>,
  clusters: readonly string[],
  apps: string,
  env: NodeJS.ProcessEnv,
): void {
  const byName = new Map(model.inventory.clusters.map((c) => [c.name, c]));
  for (const name of clusters) {
    const cluster = byName.get(name);
    if (cluster) synthClusterApp({ model, cluster, cloudConfigs, env }, join(apps, name));
  }
}

export function synthClusterApp(props: ClusterStackProps, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new ClusterStack(app, props);
  app.synth();
}

/**
 * Synthesizes the dns stack in an App of its own into `outdir`; false (and nothing written) when the
 * inventory runs no dns-primary to push to.
 */
export function synthDnsApp(model: Model, outdir: string, env: NodeJS.ProcessEnv): boolean {
  if (!model.dns.primary) return false;
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new DnsStack(app, { model: model.dns, env });
  app.synth();
  return true;
}

/**
 * Synthesizes the forge stack in an App of its own into `outdir`; false (and nothing written) when org.yaml
 * names no forge.
 */
export function synthForgeApp(model: Model, outdir: string, env: NodeJS.ProcessEnv): boolean {
  const plan = forgePlan(model.inventory);
  if (!plan) return false;
  mkdirSync(outdir, { recursive: true });
  const app = new InfraApp({ outdir });
  new ForgeStack(app, { plan, drone: droneLogins(model), env });
  app.synth();
  return true;
}

/** The Drone servers of the model, each with the page Gitea sends its logins back to. */
export function droneLogins(model: Model): { vm: string; redirectUri: string }[] {
  return model.services.instances
    .filter((i) => i.kind === DRONE_SERVER)
    .map((i) => ({ vm: i.vm.name, redirectUri: `https://${i.ctx.webNames[0]!}${DRONE_LOGIN_PATH}` }));
}
