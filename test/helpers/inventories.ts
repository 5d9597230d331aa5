// The inventories tests run on: the fixture organisation (exact values) and the shipped example (invariants).
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Inventory } from '../../inventory/inventory.ts';
import { loadInventory } from '../../model/load.ts';
import { contains, formatIPv6 } from '../../inventory/net.ts';
import { throwawayKey } from './ssh-keys.ts';

/** The shipped example: tests assert invariants on it only, so the example can grow. */
export const EXAMPLE = 'inventory';
/** The fixture organisation: small, stable, and the place where tests pin exact values. */
export const FIXTURE = 'test/fixtures/org';

const loaded = new Map<string, Inventory>();

/** Loads an inventory that must be valid, once per directory for the whole test file. */
export function validInventory(dir: string): Inventory {
  let inventory = loaded.get(dir);
  if (!inventory) {
    const result = loadInventory(dir);
    if (!result.inventory)
      throw new Error(`${dir} has errors:\n${result.errors.map((e) => `${e.path} ${e.message}`).join('\n')}`);
    inventory = result.inventory;
    loaded.set(dir, inventory);
  }
  return inventory;
}

export const exampleInventory = (): Inventory => validInventory(EXAMPLE);
export const fixtureInventory = (): Inventory => validInventory(FIXTURE);

/** A VM of the inventory by name; throws when there is none, so a renamed VM fails loudly. */
export function vmNamed(inventory: Inventory, name: string): Inventory['vms'][number] {
  const vm = inventory.vms.find((v) => v.name === name);
  if (!vm) throw new Error(`no VM "${name}" in the inventory`);
  return vm;
}

/**
 * Copies the inventory YAML in `from` to `to` and appends one valid VM, derived from what is there (a free
 * name, VM id and IPv6 address; the first cluster that has a public network), so the copy stays valid
 * however the example grows. Returns the new VM's name.
 */
export function copyWithAddedVm(from: string, to: string): string {
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.ts') });
  const inventory = validInventory(from);
  let n = 1;
  while (inventory.vms.some((vm) => vm.name === `added${n}`)) n++;
  const name = `added${n}`;
  const id = Math.max(...inventory.vms.map((vm) => vm.id)) + 1;
  const used = new Set(inventory.vms.flatMap((vm) => vm.nics.map((nic) => nic.ipv6)));
  for (const cluster of inventory.clusters) {
    const network = inventory.networks.find((x) => x.site === cluster.site && x.purpose === 'public');
    const storage = cluster.storages.find((s) => s.content.includes('images'));
    const prefix = network?.ipv6;
    if (!network || !storage || !prefix) continue;
    let host = prefix.network + 0x1000n;
    while (used.has(formatIPv6(host)) || !contains(prefix, host)) host++;
    const vm = [
      `  - name: ${name}`,
      `    cluster: ${cluster.name}`,
      `    node: ${cluster.nodes[0]!.name}`,
      `    id: ${id}`,
      '    cores: 1',
      '    memory: 1',
      '    os: debian-12',
      `    disks: [{ storage: ${storage.name}, size: 16 }]`,
      `    nics: [{ network: ${network.name}, ipv6: "${formatIPv6(host)}" }]`,
      '    tags: [test]',
      '',
    ].join('\n');
    const file = join(to, 'vms.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}${text.endsWith('\n') ? '' : '\n'}${vm}`);
    return name;
  }
  throw new Error(`${from} has no cluster with a public network and an images storage`);
}

/** Declares a secrets store in the organisation copied to `dir`: a throwaway deploy key in `dir`.keys. */
export function declareStore(dir: string): void {
  const keys = `${dir}.keys`;
  mkdirSync(keys, { recursive: true });
  const deploy = throwawayKey(keys, 'deploy');
  appendFileSync(
    join(dir, 'org.yaml'),
    `\nsecrets:\n  deploy_key: ${readFileSync(`${deploy}.pub`, 'utf8').trim()}\n`,
  );
}
