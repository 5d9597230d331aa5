// A synth derives the model once and every renderer takes it: loading derives it (model/load.ts) and checks
// it, and after that nothing derives services, reboot turns, DNS or a VM's facts again, neither the rules of
// the check nor a renderer; each VM's firewall and backup plan are computed once, the monitoring model once,
// and each VM's cloud-config is rendered once for both its snippet in the cluster stack and its artifact.
// The derivations are wrapped to record how often they run and whether deriveModel was running them.
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
  /** deriveModel is running: derivations now are the model's own. */
  inside: false,
  /** Calls of each derivation, by name; and those made outside deriveModel (a rule's or a renderer's). */
  calls: new Map<string, number>(),
  outside: [] as string[],
  /** Per-VM facts computed, by function and VM name. */
  perVm: new Map<string, number>(),
  /** Cloud-configs rendered, by VM name. */
  rendered: new Map<string, number>(),
}));

vi.mock('../model/derive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/derive.ts')>();
  return {
    ...real,
    deriveModel: (inventory: Inventory): Model => {
      seen.derives++;
      seen.inside = true;
      try {
        return real.deriveModel(inventory);
      } finally {
        seen.inside = false;
      }
    },
  };
});

/** Wraps a derivation so that each call is counted, and one outside deriveModel recorded. */
function counted<A extends unknown[], R>(name: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    seen.calls.set(name, (seen.calls.get(name) ?? 0) + 1);
    if (!seen.inside) seen.outside.push(name);
    return fn(...args);
  };
}

/** Wraps a per-VM fact: counted per VM (its second argument), and recorded when computed outside deriveModel. */
function perVm<A extends [unknown, Vm, ...unknown[]], R>(
  name: string,
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args: A): R => {
    const key = `${name} ${args[1].name}`;
    seen.perVm.set(key, (seen.perVm.get(key) ?? 0) + 1);
    if (!seen.inside) seen.outside.push(key);
    return fn(...args);
  };
}

vi.mock('../services/instances.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../services/instances.ts')>();
  return { ...real, deriveServices: counted('deriveServices', real.deriveServices) };
});
vi.mock('../inventory/reboots.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../inventory/reboots.ts')>();
  return { ...real, rebootSchedule: counted('rebootSchedule', real.rebootSchedule) };
});
vi.mock('../dns/model.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../dns/model.ts')>();
  return { ...real, buildDnsModel: counted('buildDnsModel', real.buildDnsModel) };
});
vi.mock('../model/vm-facts.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/vm-facts.ts')>();
  return { ...real, vmFacts: counted('vmFacts', real.vmFacts) };
});
vi.mock('../model/firewall.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/firewall.ts')>();
  return { ...real, vmFirewallRules: perVm('vmFirewallRules', real.vmFirewallRules) };
});
vi.mock('../model/backup-plan.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/backup-plan.ts')>();
  return { ...real, backupPlan: perVm('backupPlan', real.backupPlan) };
});
vi.mock('../monitoring/model.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../monitoring/model.ts')>();
  // The monitoring model is derived above model/ (it names baseline's certificates): once per synth, by it.
  return {
    ...real,
    monitoringModel: (model: Model) => {
      seen.calls.set('monitoringModel', (seen.calls.get('monitoringModel') ?? 0) + 1);
      return real.monitoringModel(model);
    },
  };
});
vi.mock('../model/secret-needs.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../model/secret-needs.ts')>();
  return { ...real, secretNeeds: counted('secretNeeds', real.secretNeeds) };
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
  let model: Model;

  it('derives the model once, while loading, and nothing derives anything again: no rule, no renderer', async () => {
    const out = join(work, 'cdktf.out');
    ({ model } = await synthOrExit(withSecrets, out, {}));
    expect(seen.derives).toBe(1);
    expect(Object.fromEntries(seen.calls)).toEqual({
      deriveServices: 1,
      rebootSchedule: 1,
      buildDnsModel: 1,
      vmFacts: 1,
      secretNeeds: 1,
      monitoringModel: 1,
    });
    expect(seen.outside).toEqual([]);
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

  it("computes each VM's firewall and backup plan once, in the model, for every renderer", () => {
    const once = model.inventory.vms.flatMap((vm) => [`vmFirewallRules ${vm.name}`, `backupPlan ${vm.name}`]);
    expect([...seen.perVm.keys()].sort()).toEqual(once.sort());
    expect([...seen.perVm].filter(([, n]) => n !== 1)).toEqual([]);
    // The renderers read them: each VM's artifact has its model's firewall, rule for rule.
    const vm = model.inventory.vms.find(
      (v) => v.os !== 'other' && model.vms.get(v.name)!.firewall.length > 2,
    )!;
    const text = readFileSync(join(work, 'cdktf.out/artifacts/cloud-init', `${vm.name}.yaml`), 'utf8');
    expect(text).toContain(`${model.vms.get(vm.name)!.firewall.length} inbound rules`);
  });

  it("renders each VM's cloud-config once, for its snippet and its artifact alike", () => {
    expect(seen.rendered.size).toBeGreaterThan(0);
    expect([...seen.rendered].filter(([, n]) => n !== 1)).toEqual([]);
  });
});
