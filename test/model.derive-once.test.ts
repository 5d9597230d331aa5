// A synth derives the model once and every renderer takes it: after deriveModel returns, nothing derives
// services, reboot turns or DNS again, and each VM's cloud-config is rendered once for both its snippet in
// the cluster stack and its artifact. The derivations are wrapped to record when they run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { FIXTURE } from './helpers/inventories.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';
import { removeVariants, variantDir } from './helpers/variant.ts';

const seen = vi.hoisted(() => ({
  derives: 0,
  derived: false,
  /** Derivations that ran after the model was derived: what a renderer recomputed. */
  late: [] as string[],
  /** Cloud-configs rendered, by VM name. */
  rendered: new Map<string, number>(),
}));

vi.mock('../model/derive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/derive.ts')>();
  return {
    ...real,
    deriveModel: (inventory: Inventory): Model => {
      seen.derives++;
      const model = real.deriveModel(inventory);
      seen.derived = true;
      return model;
    },
  };
});

/** Wraps a module's function so that a call after the model was derived is recorded. */
function late<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    if (seen.derived) seen.late.push(name);
    return fn(...args);
  };
}

vi.mock('../services/instances.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../services/instances.ts')>();
  return { ...real, deriveServices: late('deriveServices', real.deriveServices) };
});
vi.mock('../inventory/reboots.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../inventory/reboots.ts')>();
  return { ...real, rebootSchedule: late('rebootSchedule', real.rebootSchedule) };
});
vi.mock('../dns/model.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../dns/model.ts')>();
  return { ...real, buildDnsModel: late('buildDnsModel', real.buildDnsModel) };
});
vi.mock('../model/secret-needs.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/secret-needs.ts')>();
  return { ...real, secretNeeds: late('secretNeeds', real.secretNeeds) };
});
vi.mock('../baseline/cloud-config.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../baseline/cloud-config.ts')>();
  return {
    ...real,
    renderCloudConfig: (model: Model, vm: Vm): string => {
      seen.rendered.set(vm.name, (seen.rendered.get(vm.name) ?? 0) + 1);
      return real.renderCloudConfig(model, vm);
    },
  };
});

const { synthOrExit } = await import('../cli/synth-run.ts');

const work = mkdtempSync(join(tmpdir(), 'derive-once-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeVariants();
});
// The fixture with a secrets store, so that every VM's secret files are rendered from the model's needs.
const withSecrets = variantDir(
  [
    {
      file: 'org.yaml',
      path: ['secrets'],
      value: { deploy_key: readFileSync(`${throwawayKey(work, 'deploy')}.pub`, 'utf8').trim() },
    },
  ],
  FIXTURE,
);

describe('one synth', () => {
  it('derives the model once, and no renderer derives anything again', async () => {
    const out = join(work, 'cdktf.out');
    const { model } = await synthOrExit(withSecrets, out, {});
    expect(seen.derives).toBe(1);
    expect(seen.late).toEqual([]);
    // Secrets were derived (once, with the model) and some VM reads them.
    expect(model.secretNeeds.length).toBeGreaterThan(0);
    // It did render: every Debian VM's artifact, and the snippets of the stacks, came from that model.
    const debian = model.inventory.vms.filter((vm) => vm.os !== 'other');
    expect(debian.length).toBeGreaterThan(0);
    for (const vm of debian)
      expect(readFileSync(join(out, 'artifacts/cloud-init', `${vm.name}.yaml`), 'utf8')).toContain(
        '#cloud-config',
      );
  }, 120_000);

  it("renders each VM's cloud-config once, for its snippet and its artifact alike", () => {
    expect(seen.rendered.size).toBeGreaterThan(0);
    expect([...seen.rendered].filter(([, n]) => n !== 1)).toEqual([]);
  });
});
