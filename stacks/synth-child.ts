// Child process of `synthesize`: synthesizes the stacks it is given into an apps folder, then exits (and so frees
// what cdktf kept). Usage: synth-child.ts --stdin, its job (stack-child.ts StackJob) one JSON text on stdin:
// started before its parent has read the inventory, it loads cdktf meanwhile.
import { readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/inventory.ts';
import { inventoryReviver } from '../inventory/json.ts';
import { deriveModel } from '../model/derive.ts';
import { synthClusters, synthDnsApp, synthForgeApp } from './app.ts';
import { BACKEND_CONFIG_EXIT, BackendConfigError } from './backend-error.ts';
import type { StackJob } from './stack-child.ts';
import type { VmFacts } from '../model/vm-facts.ts';

/**
 * The job: stdin up to its first newline (or its end). Not up to its end alone: the parent writes the job and
 * then renders the artifacts synchronously, and closes the pipe only when its event loop runs again, so a
 * child that waited for the end synthesized the stacks after the artifacts instead of beside them.
 */
function readJobLine(): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    const n = readSync(0, buffer, 0, buffer.length, null);
    if (n === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    if (buffer.subarray(0, n).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

if (process.argv[2] !== '--stdin') {
  process.stderr.write('usage: synth-child.ts --stdin  (a StackJob as JSON on stdin)\n');
  process.exit(2);
}
const text = readJobLine();
// An empty job: the parent stopped before it had one (bad inventory) or found none for this child.
if (text.trim() === '') process.exit(0);
const job = JSON.parse(text) as StackJob;
// The inventory was validated by the parent and written as plain JSON with the cloud-configs it rendered.
const input = JSON.parse(readFileSync(job.input, 'utf8'), inventoryReviver) as {
  inventory: Inventory;
  cloudConfigs: Record<string, string>;
  facts: Record<string, Pick<VmFacts, 'nics' | 'firewall'>>;
};
// cdktf's per-token stack traces are not taken at all (constructs/InfraApp.ts, loaded with app.ts above).
try {
  const cloudConfigs = new Map(Object.entries(input.cloudConfigs));
  if (job.shared) {
    // This process's one derivation of the model, for the dns and forge stacks: the parent's holds references
    // a JSON copy cannot keep.
    const model = deriveModel(input.inventory);
    synthClusters(model, cloudConfigs, job.clusters, job.apps, process.env);
    synthDnsApp(model, join(job.apps, '_dns'), process.env);
    synthForgeApp(model, join(job.apps, '_forge'), process.env);
  } else {
    // The clusters alone need no model: the parent sent what they read of it.
    const model = { inventory: input.inventory, vms: new Map(Object.entries(input.facts)) };
    synthClusters(model, cloudConfigs, job.clusters, job.apps, process.env);
  }
} catch (err) {
  if (!(err instanceof BackendConfigError)) throw err;
  process.stderr.write(err.message);
  process.exit(BACKEND_CONFIG_EXIT);
}
