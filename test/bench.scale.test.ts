// The benchmark's inventory scaler: an N-times copy must still be a valid inventory, or bench measures errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaleInventory } from '../bench/scale.ts';
import { loadInventory } from '../model/load.ts';
import { exampleInventory } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'scale-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('scaleInventory', () => {
  it('makes three copies of the example with fresh names, ids and addresses that load without errors', () => {
    const dir = join(work, 'x3');
    scaleInventory('inventory', dir, 3);
    const result = loadInventory(dir);
    expect(result.errors.map((e) => `${e.path} ${e.message}`)).toEqual([]);
    const inv = result.inventory!;
    const example = exampleInventory();
    expect(inv.vms).toHaveLength(3 * example.vms.length);
    expect(inv.clusters).toHaveLength(3 * example.clusters.length);
    expect(inv.vms.map((vm) => vm.name)).toContain(`${example.vms[0]!.name}-k2`);
    expect(new Set(inv.vms.map((vm) => vm.id)).size).toBe(3 * example.vms.length);
    const addresses = inv.vms.flatMap((vm) => vm.nics.flatMap((n) => [n.ipv6, n.ipv4])).filter(Boolean);
    expect(new Set(addresses).size).toBe(addresses.length);
    // The organisation-wide kinds run once however large it grows: no second jump host, monitoring master,
    // backup repository or DNS primary, whose files would list every copy.
    for (const kind of ['ssh-jump', 'icinga2-master', 'borg-repo', 'dns-primary']) {
      const running = (vms: typeof inv.vms): number =>
        vms.filter((vm) => vm.services.some((s) => s.kind === kind)).length;
      expect(running(inv.vms), kind).toBe(running(example.vms));
    }
  });
});
