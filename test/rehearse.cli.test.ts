// The laptop flow and the rehearsal command: `cdktf plan|deploy STACK` and `npm run rehearse`, run as a person runs them.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../providers/simulator/server.ts';
import { rehearseStack } from '../providers/simulator/rehearse.ts';
import { readWorld } from '../providers/simulator/state.ts';
import { findTerraform, run, terraformEnv } from '../providers/simulator/terraform.ts';
import { LOCAL_STATE_DIR } from '../stacks/backend.ts';
import { PINNED, TERRAFORM_MISSING } from './helpers/terraform.ts';

const FIXTURE = 'test/fixtures/inventory/base';
// Terraform colours its summary lines even under cdktf's plain output.
// eslint-disable-next-line no-control-regex
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

// `npm run rehearse` itself runs in rehearse.pg.test.ts, with its state in PostgreSQL.
describe.skipIf(TERRAFORM_MISSING)('the rehearsal of one stack', () => {
  it('reports a stack that cannot be rehearsed as failed, naming the step and the reason', async () => {
    // A stack that needs a provider the simulator does not serve (a registry download offline) stands for
    // any stack that cannot be rehearsed.
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-fail-'));
    mkdirSync(join(dir, 'stacks/odd'), { recursive: true });
    writeFileSync(
      join(dir, 'stacks/odd/cdk.tf.json'),
      JSON.stringify({
        terraform: {
          required_providers: { null: { source: 'hashicorp/null' } },
        },
      }),
    );
    const r = await rehearseStack('odd', {
      synthDir: dir,
      stacks: ['odd'],
      terraform: findTerraform() ?? 'terraform',
      schemaFiles: PINNED,
      worldFile: join(dir, 'world.json'),
      inventory: FIXTURE,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(r).toMatchObject({
      ok: false,
      failed: 'providers',
      secondPlanClean: false,
    });
    expect(r.detail).toContain('registry.terraform.io/hashicorp/null');
  });
});

describe.skipIf(TERRAFORM_MISSING)('the cdktf CLI against the simulator (the laptop flow)', () => {
  let ws: string;
  let simulator: Simulator;
  beforeAll(async () => {
    // A checkout whose inventory is the small fixture organisation, so cdktf synthesizes it in seconds.
    ws = mkdtempSync(join(tmpdir(), 'cdktf-cli-'));
    for (const entry of readdirSync('.')) {
      if (['cdktf.out', 'inventory', LOCAL_STATE_DIR].includes(entry) || entry.startsWith('cdktf.out.'))
        continue;
      symlinkSync(resolve(entry), join(ws, entry));
    }
    symlinkSync(resolve(FIXTURE), join(ws, 'inventory'));
    simulator = await startSimulator({
      schemaFiles: PINNED,
      worldFile: join(ws, 'world.json'),
    });
  });
  afterAll(async () => {
    await simulator?.close();
    rmSync(ws, { recursive: true, force: true });
  });
  const cdktf = (...args: string[]) =>
    run(join(ws, 'node_modules/.bin/cdktf'), [...args, '--skip-provider-lock'], {
      cwd: ws,
      // CI=1: plain lines instead of the interactive display.
      env: terraformEnv(simulator.reattach, {
        CI: '1',
        INFRA_BACKEND: 'local',
      }),
    });

  it('cdktf plan STACK plans the stack', async () => {
    const plan = await cdktf('plan', 'cluster-solo');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plain(plan.stdout)).toMatch(/Plan: [1-9]\d* to add, 0 to change, 0 to destroy/);
  }, 180_000);

  it('cdktf deploy STACK --auto-approve applies it, and terraform then plans nothing', async () => {
    // The plan above synthesized already; a laptop would synthesize again, which proves nothing new.
    const deploy = await cdktf('deploy', 'cluster-solo', '--auto-approve', '--skip-synth');
    expect(deploy.code, deploy.stdout + deploy.stderr).toBe(0);
    // What was applied, from the state and the simulator's world, not from the CLI's text: in one CI run under
    // load cdktf printed the plan and "No outputs found." but none of terraform's apply lines (exit 0, state
    // written, the next test's second deploy changed nothing).
    const state = JSON.parse(readFileSync(join(ws, LOCAL_STATE_DIR, 'cluster-solo.tfstate'), 'utf8')) as {
      resources: unknown[];
    };
    expect(state.resources.length).toBeGreaterThan(0);
    expect(Object.keys(readWorld(join(ws, 'world.json')).endpoints)).toHaveLength(1);
    const again = await run(findTerraform() ?? 'terraform', ['plan', '-detailed-exitcode', '-no-color'], {
      cwd: join(ws, 'cdktf.out/stacks/cluster-solo'),
      env: terraformEnv(simulator.reattach),
    });
    expect(again.code, again.stdout).toBe(0);
  }, 180_000);

  it('a second cdktf deploy after a fresh synth finds the state beside cdktf.out and changes nothing', async () => {
    // Synth replaces cdktf.out wholesale; the state of the deploy above must survive it.
    const state = join(ws, LOCAL_STATE_DIR, 'cluster-solo.tfstate');
    expect(existsSync(state)).toBe(true);
    const second = await cdktf('deploy', 'cluster-solo', '--auto-approve');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(plain(second.stdout)).not.toMatch(/already exists|[1-9]\d* added/);
    const plan = await cdktf('plan', 'cluster-solo', '--skip-synth');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plain(plan.stdout)).toMatch(/No changes/);
    expect(Object.keys(readWorld(join(ws, 'world.json')).endpoints)).toHaveLength(1);
  }, 240_000);
});
