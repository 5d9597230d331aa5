// `cdktf synth` (main.ts, which cdktf.json runs) and `npm run synth` share one synth, so their outputs are
// the same files byte for byte: stacks, manifest and artifacts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../providers/simulator/terraform.ts';
import { compiled } from './helpers/cli.ts';
import { FIXTURE } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'synth-paths-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

describe('the two synth entry points', () => {
  it('write byte-identical stacks, manifest and artifacts', async () => {
    // No state backend settings from the caller's shell, and no telemetry call from the cdktf CLI.
    const { INFRA_BACKEND: _ignored, ...env } = process.env;
    const quiet = { ...env, CHECKPOINT_DISABLE: '1', INFRA_INVENTORY: FIXTURE };
    const viaCdktf = join(work, 'cdktf');
    const viaNpm = join(work, 'npm');
    // The two entry points side by side (separate processes and output directories).
    const [cli, npm] = await Promise.all([
      run('node_modules/.bin/cdktf', ['synth', '--output', viaCdktf], { env: quiet }),
      run(process.execPath, [compiled('cli/synth.ts'), '--inventory', FIXTURE, '--out', viaNpm, '--quiet'], {
        env,
      }),
    ]);
    expect(cli.code, `${cli.stdout}${cli.stderr}`).toBe(0);
    expect(npm.code, npm.stderr).toBe(0);

    const a = tree(viaCdktf);
    const b = tree(viaNpm);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect([...a.keys()]).toEqual(
      expect.arrayContaining([
        'manifest.json',
        'stacks/cluster-ceph/cdk.tf.json',
        'artifacts/cloud-init/git.yaml',
      ]),
    );
    for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), path).toBe(true);
  }, 240_000);
});
