// The deploy and drift pipelines run step by step with the commands read from .drone.yml, against the simulator.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startSimulator, type Simulator } from '../providers/simulator/server.ts';
import { editObject, readWorld } from '../providers/simulator/state.ts';
import { LOCAL_STATE_DIR } from '../stacks/backend.ts';
import { run, terraformEnv } from '../providers/simulator/terraform.ts';
import { POSTGRES_MISSING, type Postgres, startPostgres } from './helpers/postgres.ts';
import { PINNED, TERRAFORM_MISSING } from './helpers/terraform.ts';

const GIT_ID = {
  GIT_AUTHOR_NAME: 'Drone',
  GIT_AUTHOR_EMAIL: 'drone@test.example.org',
  GIT_COMMITTER_NAME: 'Drone',
  GIT_COMMITTER_EMAIL: 'drone@test.example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

interface Step {
  name: string;
  commands: string[];
  environment?: Record<string, string | { from_secret: string }>;
}
interface Pipeline {
  name: string;
  environment?: Record<string, string>;
  steps: Step[];
}

const pipelines = parseAllDocuments(readFileSync('.drone.yml', 'utf8')).map((d) => d.toJS() as Pipeline);
const pipeline = (name: string): Pipeline => {
  const found = pipelines.find((p) => p.name === name);
  if (!found) throw new Error(`.drone.yml has no pipeline "${name}"`);
  return found;
};

describe.skipIf(TERRAFORM_MISSING ?? POSTGRES_MISSING)('the pipelines of .drone.yml, rehearsed', () => {
  let pg: Postgres;
  let simulator: Simulator;
  let ws: string;
  const world = (): string => join(ws, 'world.json');
  let head = '';
  let origin = '';
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ID }, encoding: 'utf8' });

  beforeAll(async () => {
    pg = await startPostgres();
    // A workspace like Drone's clone: the repository's files, with the small fixture organisation as its
    // inventory so the whole pipeline takes seconds; the pipeline writes cdktf.out/ here.
    ws = mkdtempSync(join(tmpdir(), 'drone-'));
    for (const entry of readdirSync('.')) {
      if (
        ['cdktf.out', 'inventory', '.git', LOCAL_STATE_DIR].includes(entry) ||
        entry.startsWith('cdktf.out.')
      )
        continue;
      symlinkSync(resolve(entry), join(ws, entry));
    }
    cpSync(resolve('test/fixtures/inventory/base'), join(ws, 'inventory'), { recursive: true });
    // The clone is a git repository of its own with an origin, as Drone's is: the gate fetches main and the
    // deployed revisions (refs/deployed/<stack>, set here to the first commit), and the record step moves them.
    origin = join(mkdtempSync(join(tmpdir(), 'drone-origin-')), 'origin.git');
    git(tmpdir(), 'init', '--quiet', '--bare', origin);
    git(ws, 'init', '--quiet', '--initial-branch=main');
    git(ws, 'add', 'inventory');
    git(ws, 'commit', '--quiet', '-m', 'The fixture organisation');
    git(ws, 'remote', 'add', 'origin', origin);
    git(
      ws,
      'push',
      '--quiet',
      'origin',
      'HEAD:refs/deployed/cluster-ceph',
      'HEAD:refs/deployed/cluster-solo',
    );
    git(ws, 'commit', '--quiet', '--allow-empty', '-m', 'Deploy');
    git(ws, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    head = git(ws, 'rev-parse', 'HEAD').trim();
    simulator = await startSimulator({
      schemaFiles: PINNED,
      worldFile: join(ws, 'world.json'),
    });
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
    pg?.stop();
    rmSync(ws, { recursive: true, force: true });
    if (origin) rmSync(resolve(origin, '..'), { recursive: true, force: true });
  });

  /** One step as Drone runs it: its commands in one shell under `set -e`, with the pipeline's environment. */
  const step = async (pipelineName: string, stepName: string) => {
    const p = pipeline(pipelineName);
    const s = p.steps.find((x) => x.name === stepName);
    if (!s) throw new Error(`.drone.yml: pipeline ${pipelineName} has no step ${stepName}`);
    const secrets: Record<string, string> = {
      PROXMOX_VE_API_TOKEN: 'simulated@pve!ci=none',
      PG_CONN_STR: pg.connString,
    };
    const env: NodeJS.ProcessEnv = {
      DRONE_COMMIT_SHA: head,
      DRONE_COMMIT_BEFORE: '0000000000000000000000000000000000000000',
      ...p.environment,
    };
    for (const [key, value] of Object.entries(s.environment ?? {}))
      // Every other secret gets a stand-in: the simulator checks no credential.
      env[key] = typeof value === 'string' ? value : (secrets[key] ?? `test-${value.from_secret}`);
    const script = `set -e\n${s.commands.join('\n')}\n`;
    return run('sh', ['-c', script], {
      cwd: ws,
      env: terraformEnv(simulator.reattach, env),
    });
  };

  it('deploys in the fixed stack order, plan -> gate -> apply of the saved plan; a stack that fails to plan stops no other', async () => {
    expect((await step('deploy', 'synth')).code).toBe(0);
    expect(readFileSync(join(ws, 'cdktf.out/deploy-order'), 'utf8').split('\n').filter(Boolean)).toEqual([
      'cluster-ceph',
      'cluster-solo',
    ]);
    // A stack terraform refuses: an argument the schema does not have.
    const broken = join(ws, 'cdktf.out/stacks/cluster-ceph/cdk.tf.json');
    const json = JSON.parse(readFileSync(broken, 'utf8')) as {
      resource: Record<string, Record<string, object>>;
    };
    const [firstVm] = Object.values(json.resource.proxmox_virtual_environment_vm ?? {});
    Object.assign(firstVm ?? {}, { cpu_count: 2 });
    writeFileSync(broken, JSON.stringify(json));

    const plan = await step('deploy', 'plan');
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.indexOf('--- plan cluster-ceph')).toBeLessThan(
      plan.stdout.indexOf('--- plan cluster-solo'),
    );
    expect(plan.stdout).toContain('--- cluster-ceph: plan failed; it will not be applied');
    expect(plan.stdout).toContain('--- planned cluster-solo');
    const gate = await step('deploy', 'gate');
    expect(gate.code, gate.stderr).toBe(0);
    expect(existsSync(join(ws, 'cdktf.out/stacks/cluster-solo/gate.ok'))).toBe(true);
    expect(existsSync(join(ws, 'cdktf.out/stacks/cluster-ceph/gate.ok'))).toBe(false);
    const apply = await step('deploy', 'apply');
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('--- apply cluster-solo: exactly the plan the gate checked');
    expect(apply.stdout).toContain('--- applied cluster-solo');
    expect(apply.stdout).toContain('--- cluster-ceph: not applied');
    expect(apply.stdout).toContain('not deployed: cluster-ceph');
    expect(Object.keys(readWorld(world()).endpoints)).toHaveLength(1);
    // What was applied is the next deploy's base; what was not keeps its old one.
    expect((await step('deploy', 'record')).code).toBe(0);
    const deployed = git(ws, 'ls-remote', origin, 'refs/deployed/*');
    expect(deployed).toContain(`${head}\trefs/deployed/cluster-solo`);
    expect(deployed).not.toContain(`${head}\trefs/deployed/cluster-ceph`);
  }, 240_000);

  it('finds no drift on the deployed stack, then exit code 2 and the drifted attribute after a hand edit', async () => {
    expect((await step('drift', 'synth')).code).toBe(0);
    const first = await step('drift', 'plan');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('--- cluster-solo: no drift');
    // Never deployed: everything in it differs from the (empty) infrastructure.
    expect(first.stdout).toContain('--- cluster-ceph: DRIFT');

    const [byType] = Object.values(readWorld(world()).endpoints);
    const [vmId] = Object.keys(byType?.proxmox_virtual_environment_vm ?? {});
    expect(
      editObject(world(), 'proxmox_virtual_environment_vm', vmId ?? '', (o) => {
        (o.memory as { dedicated: number }[])[0]!.dedicated = 1234;
      }),
    ).toBe(true);
    const plan = await step('drift', 'plan');
    expect(plan.stdout).toContain('--- cluster-solo: DRIFT');
    const report = await step('drift', 'report');
    expect(report.code).toBe(1);
    expect(report.stdout).toMatch(/memory\[0\]\.dedicated/);
    expect(report.stdout).toMatch(/drift in: cluster-ceph cluster-solo/);
  }, 240_000);
});
