// State in a real PostgreSQL: two stacks rehearsed with INFRA_BACKEND=pg, two applies racing, an apply killed half-way.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../providers/simulator/server.ts';
import { editObject, readWorld } from '../providers/simulator/state.ts';
import { findTerraform, run, terraformEnv } from '../providers/simulator/terraform.ts';
import { POSTGRES_MISSING, type Postgres, startPostgres } from './helpers/postgres.ts';
import { PINNED, TERRAFORM_MISSING } from './helpers/terraform.ts';

const INVENTORY = 'test/fixtures/inventory/base';

describe.skipIf(TERRAFORM_MISSING ?? POSTGRES_MISSING)(
  'terraform state in PostgreSQL (INFRA_BACKEND=pg)',
  () => {
    let pg: Postgres;
    let work: string;
    let world: string;
    let kept = '';
    let slow: Simulator;
    const synthDir = (): string => join(kept, 'cdktf.out');
    const tf = (stack: string, args: string[], simulator: Simulator) =>
      run(findTerraform() ?? 'terraform', args, {
        cwd: join(synthDir(), 'stacks', stack),
        env: terraformEnv(simulator.reattach, { PG_CONN_STR: pg.connString }),
      });

    beforeAll(async () => {
      pg = await startPostgres();
      work = mkdtempSync(join(tmpdir(), 'rehearse-pg-'));
      world = join(work, 'world.json');
      // Every apply of one object takes 0.4 s here, so the tests can act while an apply is under way.
      slow = await startSimulator({
        schemaFiles: PINNED,
        worldFile: world,
        applyDelayMs: 400,
      });
    }, 120_000);
    afterAll(async () => {
      await slow?.close();
      pg?.stop();
      rmSync(work, { recursive: true, force: true });
      if (kept) rmSync(kept, { recursive: true, force: true });
    });

    it('npm run rehearse with INFRA_BACKEND=pg: two stacks, their state in PostgreSQL, one schema each', async () => {
      const r = await run(
        process.execPath,
        ['--import', 'tsx', 'cli/rehearse.ts', '--inventory', INVENTORY, '--keep', '--world', world],
        {
          env: {
            ...process.env,
            INFRA_BACKEND: 'pg',
            PG_CONN_STR: pg.connString,
          },
        },
      );
      kept = /^kept (.+)$/m.exec(r.stdout)?.[1] ?? '';
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(
        lines.filter((l) =>
          /^cluster-(ceph|solo): validate ok, plan \+\d+ ~0 -0, gate ok, applied \d+/.test(l),
        ),
      ).toHaveLength(2);
      expect(lines.at(-1)).toMatch(
        /^rehearse: 2 stacks, [1-9]\d* resources applied, second plan clean: yes$/,
      );
      expect(readdirSync(join(synthDir(), 'stacks')).sort()).toEqual(['cluster-ceph', 'cluster-solo']);
      const list = await tf('cluster-ceph', ['state', 'list'], slow);
      expect(list.stdout).toContain('proxmox_virtual_environment_vm.');
      expect(list.stdout).not.toContain('cluster-solo');
    }, 240_000);

    /** Hand edits to every VM of the world, so the next apply has one update per VM to make. */
    const driftEveryVm = (memory: number): number => {
      const vms = Object.values(readWorld(world).endpoints).flatMap((byType) =>
        Object.keys(byType.proxmox_virtual_environment_vm ?? {}),
      );
      for (const id of vms)
        editObject(world, 'proxmox_virtual_environment_vm', id, (o) => {
          (o.memory as { dedicated: number }[])[0]!.dedicated = memory;
        });
      return vms.length;
    };

    it('lets a second apply of the same stack fail on the lock while the first holds it, and keeps state whole', async () => {
      expect(driftEveryVm(777)).toBeGreaterThan(1);
      const stack = 'cluster-ceph';
      const first = tf(stack, ['apply', '-auto-approve', '-no-color'], slow);
      // The lock is taken before the refresh; once the simulator is asked to plan, the first apply holds it.
      while ((slow.calls.PlanResourceChange ?? 0) === 0) await new Promise((r) => setTimeout(r, 50));
      const second = await tf(stack, ['apply', '-auto-approve', '-no-color'], slow);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/Error acquiring the state lock/);
      expect((await first).code).toBe(0);
      expect((await tf(stack, ['plan', '-detailed-exitcode', '-no-color'], slow)).code).toBe(0);
    }, 180_000);

    it('converges after an apply killed half-way (SIGKILL): the lock is gone and the next plan holds only the rest', async () => {
      const stack = 'cluster-ceph';
      const vms = driftEveryVm(555);
      const before = slow.calls.ApplyResourceChange ?? 0;
      const apply = tf(stack, ['apply', '-auto-approve', '-no-color', '-parallelism=1'], slow);
      while ((slow.calls.ApplyResourceChange ?? 0) < before + 2) await new Promise((r) => setTimeout(r, 20));
      apply.kill('SIGKILL');
      expect((await apply).signal).toBe('SIGKILL');
      const next = await tf(stack, ['plan', '-detailed-exitcode', '-no-color'], slow);
      expect(next.code, next.stderr).toBe(2);
      const left = Number(/(\d+) to change/.exec(next.stdout)?.[1]);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(vms);
      expect((await tf(stack, ['apply', '-auto-approve', '-no-color'], slow)).code).toBe(0);
      expect((await tf(stack, ['plan', '-detailed-exitcode', '-no-color'], slow)).code).toBe(0);
    }, 180_000);
  },
);
