// Catalog sizes: a VM that runs a service kind gets the kind's cores and memory unless vms.yaml gives its own;
// two kinds of different sizes give the larger of each, with a warning when vms.yaml says nothing; a VM that
// runs nothing must give both. On copies of the fixture organisation, through the loader every command uses.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { CATALOG } from '../services/catalog.ts';
import { declareStore, FIXTURE, vmNamed } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'sizes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture with `edits` (exact text, each found once) applied to its vms.yaml. */
function fixtureWith(name: string, edits: readonly (readonly [string, string])[]): string {
  const dir = join(work, name);
  cpSync(FIXTURE, dir, { recursive: true });
  const file = join(dir, 'vms.yaml');
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    expect(text.split(from).length, `"${from}" once in vms.yaml`).toBe(2);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  return dir;
}

const size = (kind: string) => CATALOG.get(kind)!.size;

describe('catalog sizes', () => {
  it("gives a VM that leaves out cores and memory its kind's size, and lets one it gives win", () => {
    const dir = fixtureWith('defaults', [
      ['id: 108\n    cores: 2\n    memory: 4\n', 'id: 108\n'],
      ['id: 106\n    cores: 2\n    memory: 4\n', 'id: 106\n    cores: 2\n'],
    ]);
    const result = loadInventory(dir);
    expect(result.errors.map(formatFinding)).toEqual([]);
    const inventory = result.inventory!;
    // mon runs icinga2-master (4 cores, 8 GiB) and says nothing: the catalog's size.
    expect(size('icinga2-master')).toMatchObject({ cores: 4, memory: 8 });
    expect(vmNamed(inventory, 'mon')).toMatchObject({ cores: 4, memory: 8 });
    // mail gives its cores (2, the catalog says 4) and leaves out memory: its cores, the catalog's memory.
    expect(size('mail')).toMatchObject({ cores: 4, memory: 8 });
    expect(vmNamed(inventory, 'mail')).toMatchObject({ cores: 2, memory: 8 });
    // db1 gives both, smaller than PostgreSQL's 8 cores and 32 GiB: its own.
    expect(vmNamed(inventory, 'db1')).toMatchObject({ cores: 4, memory: 16 });
    expect(result.warnings.map(formatFinding)).toEqual([]);
  });

  it('writes the same synthesized sizes whether vms.yaml repeats the default or leaves it to the catalog', () => {
    const repeated = loadInventory(FIXTURE).inventory!;
    const left = loadInventory(
      fixtureWith('same', [['id: 101\n    cores: 2\n    memory: 4\n', 'id: 101\n']]),
    ).inventory!;
    expect(size('nginx-proxy')).toMatchObject({ cores: 2, memory: 4 });
    expect(left.vms).toEqual(repeated.vms);
  });

  it('takes the larger of each for two kinds of different sizes, and warns at the services when vms.yaml says nothing', () => {
    const dir = fixtureWith('two-kinds', [
      ['id: 205\n    cores: 2\n    memory: 4\n', 'id: 205\n'],
      [
        'services: [{ kind: prosody, domain: fixture.example.org }]',
        'services: [{ kind: prosody, domain: fixture.example.org }, mumble]',
      ],
    ]);
    // Mumble's SuperUser password comes from the store (model/rules/secrets-without-store.ts).
    declareStore(dir);
    const result = loadInventory(dir);
    expect(result.errors.map(formatFinding)).toEqual([]);
    expect(vmNamed(result.inventory!, 'chat')).toMatchObject({ cores: 2, memory: 4 });
    expect(result.warnings.map(formatFinding)).toEqual([
      `${dir}/vms.yaml:206:15  vms[13].services  warning: runs kinds of different default sizes (prosody (2 cores, 4 GiB), mumble (1 core, 1 GiB)) and gives no cores or memory; took the larger of each (2 cores, 4 GiB); expected cores and memory in vms.yaml`,
    ]);
    // Saying it silences the warning: the explicit size wins.
    const saidDir = fixtureWith('two-kinds-said', [
      ['id: 205\n    cores: 2\n    memory: 4\n', 'id: 205\n    cores: 1\n    memory: 2\n'],
      [
        'services: [{ kind: prosody, domain: fixture.example.org }]',
        'services: [{ kind: prosody, domain: fixture.example.org }, mumble]',
      ],
    ]);
    declareStore(saidDir);
    const said = loadInventory(saidDir);
    expect(said.warnings.map(formatFinding)).toEqual([]);
    expect(vmNamed(said.inventory!, 'chat')).toMatchObject({ cores: 1, memory: 2 });
  });

  it('refuses a VM that runs no kind and leaves out its size, located at the VM', () => {
    const dir = fixtureWith('none', [['id: 109\n    cores: 2\n    memory: 4\n', 'id: 109\n    memory: 4\n']]);
    const result = loadInventory(dir);
    expect(result.inventory).toBeUndefined();
    expect(result.errors.map(formatFinding)).toEqual([
      `${dir}/vms.yaml:127:5  vms[8].cores  is missing; expected cores (no service this VM runs has a default size)`,
    ]);
  });
});
