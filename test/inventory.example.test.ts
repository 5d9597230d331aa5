// The example organisation in inventory/ loads cleanly and describes what DESIGN.md says it does.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Inventory, type LoadResult, loadInventory } from '../inventory/inventory.ts';
import { parseIPv6 } from '../inventory/net.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../inventory', import.meta.url));

let loaded: LoadResult | undefined;

/** The example, loaded once for the whole file. */
function exampleResult(): LoadResult {
  loaded ??= loadInventory(EXAMPLE);
  return loaded;
}

function example(): Inventory {
  const { inventory, errors } = exampleResult();
  if (!inventory) throw new Error(`example inventory has errors: ${JSON.stringify(errors)}`);
  return inventory;
}

function vm(name: string) {
  const found = example().vms.find((v) => v.name === name);
  if (!found) throw new Error(`no VM ${name} in the example`);
  return found;
}

describe('the example inventory', () => {
  it('loads with no errors', () => {
    const result = exampleResult();
    expect(result.errors).toEqual([]);
    expect(result.inventory).toBeDefined();
  });

  it('has 4 sites, 4 clusters, 10 nodes and 43 VMs', () => {
    const inv = example();
    expect(inv.sites).toHaveLength(4);
    expect(inv.clusters).toHaveLength(4);
    expect(inv.clusters.reduce((sum, c) => sum + c.nodes.length, 0)).toBe(10);
    expect(inv.vms).toHaveLength(43);
  });

  it('has three 3-node clusters on Ceph and one standalone node without Ceph', () => {
    const shapes = example()
      .clusters.map((c) => ({ nodes: c.nodes.length, ceph: c.ceph !== undefined }))
      .sort((a, b) => b.nodes - a.nodes);
    expect(shapes).toEqual([
      { nodes: 3, ceph: true },
      { nodes: 3, ceph: true },
      { nodes: 3, ceph: true },
      { nodes: 1, ceph: false },
    ]);
  });

  it('gives every VM an IPv6 address (IPv6 first)', () => {
    for (const v of example().vms) {
      const v6 = v.nics.map((n) => n.ipv6).filter((a): a is string => a !== undefined);
      expect(v6.length, `${v.name} has no IPv6 address`).toBeGreaterThan(0);
      for (const address of v6) expect(parseIPv6(address), `${v.name}: ${address}`).toBeDefined();
    }
  });

  it('sizes the BigBlueButton VM bbb1 at 8 cores and 16 GiB', () => {
    expect(vm('bbb1')).toMatchObject({ cores: 8, memory: 16 });
  });

  it('sizes the DNS secondary ns2 at 1 core and 1 GiB', () => {
    expect(vm('ns2')).toMatchObject({ cores: 1, memory: 1 });
  });

  it('treats a VM whose YAML has no ha: line as not HA (the schema default)', () => {
    expect(vm('drone-runner1').ha).toBe(false);
    expect(vm('drone-runner1').protected).toBe(false);
  });
});

describe('npm run check (cli/check.ts)', () => {
  it('exits 0 on the example and prints the one-line summary', () => {
    const run = spawnSync('npx', ['tsx', 'cli/check.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^4 sites, 4 clusters, 10 nodes, 43 VMs: 0 errors, \d+ warnings?$/m);
  });

  it('exits 1 on a bad inventory and prints each error as FILE:LINE:COL  path  message', () => {
    const run = spawnSync('npx', ['tsx', 'cli/check.ts', '--inventory', 'test/fixtures/inventory/bad-ipv4'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      'test/fixtures/inventory/bad-ipv4/vms.yaml:27:15  vms[1].nics[0].ipv4  "192.0.2.300" is not an IPv4 address',
      '1 error, 0 warnings',
      '',
    ]);
  });
});
