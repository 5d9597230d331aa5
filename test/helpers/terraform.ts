// A scratch Terraform working directory with the simulator attached, for tests that run the real terraform.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_PINS } from '../../constructs/provider-registry.ts';
import { pinnedSchemaFiles } from '../../providers/simulator/pinned.ts';
import { startSimulator, type Simulator } from '../../providers/simulator/server.ts';
import {
  findTerraform,
  run,
  type RunResult,
  terraformEnv,
  terraformMissing,
} from '../../providers/simulator/terraform.ts';

/** Why these tests cannot run here (printed, then skipped), or undefined. */
export const TERRAFORM_MISSING = terraformMissing();
if (TERRAFORM_MISSING) process.stderr.write(`terraform tests skipped: ${TERRAFORM_MISSING}\n`);

/** Every pinned schema (providers/<name>/schema.json), as `npm run rehearse` serves them. */
export const PINNED = pinnedSchemaFiles();

export interface Scratch {
  readonly dir: string;
  readonly world: string;
  readonly simulator: Simulator;
  /** Runs terraform in `sub` (a folder of `dir`), with the simulator attached. */
  tf(sub: string, ...args: string[]): Promise<RunResult>;
  /** Writes `main.tf.json` of folder `sub` (created on first use). */
  config(sub: string, json: object): string;
  close(): Promise<void>;
}

export async function scratch(options: { applyDelayMs?: number } = {}): Promise<Scratch> {
  const dir = mkdtempSync(join(tmpdir(), 'tf-test-'));
  const world = join(dir, 'world.json');
  const simulator = await startSimulator({ schemaFiles: PINNED, worldFile: world, ...options });
  const terraform = findTerraform() ?? 'terraform';
  return {
    dir,
    world,
    simulator,
    tf: (sub, ...args) =>
      run(terraform, [...args], { cwd: join(dir, sub), env: terraformEnv(simulator.reattach) }),
    config: (sub, json) => {
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, 'main.tf.json'), JSON.stringify(json, null, 2));
      return join(dir, sub);
    },
    close: async () => {
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** required_providers for the pinned providers. */
export const REQUIRED = {
  required_providers: Object.fromEntries(
    PROVIDER_PINS.map((p) => [p.name, { source: p.source, version: p.version }]),
  ),
};

/** Every key of one network_device object, as Terraform wants it. */
export const NIC = {
  bridge: 'vmbr0',
  disconnected: null,
  enabled: null,
  firewall: true,
  mac_address: null,
  model: 'virtio',
  mtu: null,
  queues: null,
  rate_limit: null,
  trunks: null,
  vlan_id: null,
};
