// One cluster stack of an inventory, synthesized in memory and parsed: what tests of the cluster stacks read.
import { Testing } from 'cdktf';
import type { Inventory } from '../../inventory/inventory.ts';
import { deriveModel } from '../../model/derive.ts';
import { ClusterStack } from '../../stacks/ClusterStack.ts';

/** The stack JSON of `cluster`; `T` is the shape the test reads. */
export function synthClusterStack<T>(inventory: Inventory, cluster: string, env: NodeJS.ProcessEnv = {}): T {
  const app = Testing.app();
  const stack = new ClusterStack(app, {
    model: deriveModel(inventory),
    cluster: inventory.clusters.find((c) => c.name === cluster)!,
    env,
  });
  return JSON.parse(Testing.synth(stack)) as T;
}
