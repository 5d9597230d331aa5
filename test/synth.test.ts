// `npm run synth` end to end: deterministic output, atomic writes, and nothing written on bad input.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../providers/simulator/terraform.ts';
import { compiled, TSX } from './helpers/cli.ts';
import { deriveModel } from '../model/derive.ts';
import { synthesize } from '../stacks/synth.ts';
import { FIXTURE, fixtureInventory } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'synth-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The command behind `npm run synth`.
const SYNTH = [compiled('cli/synth.ts')];
const { INFRA_BACKEND: _ignored, ...env } = process.env;

function synth(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [...SYNTH, ...args], { encoding: 'utf8', env });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

describe('npm run synth', () => {
  it('writes one stack per cluster with its VMs, a cloud-config per Debian VM, monitoring, and a summary table', () => {
    const out = join(work, 'first');
    const run = synth(['--inventory', FIXTURE, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(join(out, 'stacks'))).toEqual(['cluster-ceph', 'cluster-solo', 'dns']);
    expect(readdirSync(join(out, 'artifacts/dns'))).toContain('fixture.example.org.zone');
    const vms = (stack: string): string[] =>
      Object.keys(
        JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')).resource
          .proxmox_virtual_environment_vm,
      );
    expect(vms('cluster-ceph')).toHaveLength(10);
    expect(vms('cluster-solo')).toEqual(['appliance', 'backup', 'chat', 'jump', 'ns2', 'sat']);
    // Every VM but appliance (os: other, installed by hand) gets a cloud-config.
    expect(readdirSync(join(out, 'artifacts/cloud-init'))).toHaveLength(15);
    expect(readdirSync(join(out, 'artifacts/cloud-init'))).not.toContain('appliance.yaml');
    expect(readdirSync(join(out, 'artifacts/icinga2')).length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/^cluster-ceph: 10 VMs, 25 vCPUs, 70 GiB RAM, \d+ resources$/m);
    expect(run.stdout).toMatch(/^ {2}proxmox_virtual_environment_vm +10$/m);
    expect(run.stdout).toMatch(/^2 sites, 2 clusters, 4 nodes, 16 VMs: 0 errors, 0 warnings; wrote /m);
  });

  it('is deterministic: two synths of the same inventory are byte-identical', async () => {
    const second = join(work, 'second');
    const third = join(work, 'third');
    // Two processes side by side: neither can see the other's output.
    const runs = await Promise.all(
      [second, third].map((out) => run(process.execPath, [...SYNTH, '--out', out], { env })),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const a = tree(second);
    const b = tree(third);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, text] of a) expect(b.get(path), path).toBe(text);
    expect(a.size).toBeGreaterThan(0);
  }, 180_000);

  it('on a bad inventory exits 1, prints located errors, and leaves an existing output untouched', () => {
    const out = join(work, 'kept');
    mkdirSync(join(out, 'stacks/cluster-old'), { recursive: true });
    writeFileSync(join(out, 'stacks/cluster-old/cdk.tf.json'), '{"previous":true}\n');
    const bad = join(work, 'bad-inventory');
    cpSync('inventory', bad, { recursive: true, filter: (src) => !src.endsWith('.ts') });
    const vms = readFileSync(join(bad, 'vms.yaml'), 'utf8').replace('cores: 4', 'cores: four');
    writeFileSync(join(bad, 'vms.yaml'), vms);
    const before = tree(out);
    const run = synth(['--inventory', bad, '--out', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/vms\.yaml:\d+:\d+ {2}vms\[\d+\]\.cores {2}"four" is text; expected a number/);
    expect(run.stderr).toMatch(/nothing written/);
    expect(tree(out)).toEqual(before);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('main.ts, the app cdktf runs, refuses a bad inventory the same way and writes nothing', () => {
    const bad = join(work, 'bad-for-main');
    cpSync('inventory', bad, { recursive: true });
    writeFileSync(
      join(bad, 'vms.yaml'),
      readFileSync(join(bad, 'vms.yaml'), 'utf8').replace('cores: 4', 'cores: four'),
    );
    const out = join(work, 'main-out');
    // cdktf.json runs `npx tsx main.ts`; node with tsx's loader runs the same file.
    const app = spawnSync(process.execPath, [...TSX, 'main.ts'], {
      encoding: 'utf8',
      env: { ...process.env, INFRA_INVENTORY: bad, CDKTF_OUTDIR: out },
    });
    expect(app.status).toBe(1);
    expect(app.stderr).toMatch(/vms\.yaml:\d+:\d+ {2}vms\[\d+\]\.cores {2}"four" is text/);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves cdktf to a child: the command itself never loads it, and writes what an in-process synth writes', async () => {
    // A preload that reports, as the command exits, how many of cdktf's modules it loaded.
    const probe = join(work, 'cdktf-probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`cdktf modules: ${Object.keys(require('module')._cache).filter((k) => k.includes('/node_modules/cdktf/')).length}\\n`));\n",
    );
    const out = join(work, 'by-command');
    const command = spawnSync(
      process.execPath,
      ['--require', probe, 'dist/cli/synth.js', '--inventory', FIXTURE, '--out', out, '--quiet'],
      { encoding: 'utf8', env },
    );
    expect(command.status, command.stderr).toBe(0);
    expect(command.stderr).toMatch(/^cdktf modules: 0$/m);
    const inProcess = join(work, 'in-process');
    await synthesize(deriveModel(fixtureInventory()), inProcess, {});
    const a = tree(out);
    const b = tree(inProcess);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, text] of a) expect(b.get(path), path).toBe(text);
    expect([...a.keys()].some((path) => path.startsWith('stacks/cluster-'))).toBe(true);
  }, 120_000);

  it("reports a bad backend setting found by the stacks' child, and writes nothing", () => {
    const out = join(work, 'bad-backend');
    const run = spawnSync(process.execPath, ['dist/cli/synth.js', '--inventory', FIXTURE, '--out', out], {
      encoding: 'utf8',
      env: { ...env, INFRA_BACKEND: 'floppy' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^INFRA_BACKEND="floppy" is not known; expected local, pg or s3; nothing written$/m,
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
