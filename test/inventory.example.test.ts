// The fixture organisation has exactly what its tests pin; the shipped example loads cleanly; `npm run check`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../model/load.ts';
import { parseIPv6 } from '../inventory/net.ts';
import { compiled } from './helpers/cli.ts';
import { EXAMPLE, exampleInventory, FIXTURE, fixtureInventory, vmNamed } from './helpers/inventories.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// The command behind `npm run check`.
const CHECK = [compiled('cli/check.ts')];

describe('the fixture organisation (exact values)', () => {
  it('has 2 sites, a 3-node Ceph cluster and a standalone node, and 16 VMs', () => {
    const inv = fixtureInventory();
    expect(inv.sites.map((s) => s.name)).toEqual(['one', 'two']);
    expect(inv.clusters.map((c) => [c.name, c.nodes.length, c.ceph !== undefined])).toEqual([
      ['ceph', 3, true],
      ['solo', 1, false],
    ]);
    expect(inv.vms).toHaveLength(16);
  });

  it('sizes the DNS secondary ns2 at 1 core and 1 GiB, and gives it IPv4 as well as IPv6', () => {
    expect(vmNamed(fixtureInventory(), 'ns2')).toMatchObject({
      cores: 1,
      memory: 1,
      nics: [{ network: 'two-public', ipv6: '2001:db8:3::a', ipv4: '198.51.100.10' }],
    });
  });

  it('treats a VM whose YAML has no ha: or protected: line as neither (the schema defaults)', () => {
    expect(vmNamed(fixtureInventory(), 'scratch')).toMatchObject({ ha: false, protected: false });
  });

  it('reads a port range of extra_ports into the one port-range type', () => {
    expect(vmNamed(fixtureInventory(), 'scratch').extra_ports.map((e) => e.port)).toEqual([
      { from: 10000, to: 10100 },
      { from: 8080, to: 8080 },
    ]);
  });
});

describe('the shipped example (invariants only)', () => {
  it('loads with no errors and no warnings', () => {
    const result = loadInventory(EXAMPLE);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('has Ceph on every cluster of more than one node', () => {
    for (const c of exampleInventory().clusters) if (c.nodes.length > 1) expect(c.ceph, c.name).toBeDefined();
  });

  it('gives every VM a valid IPv6 address (IPv6 first)', () => {
    for (const v of exampleInventory().vms) {
      const v6 = v.nics.map((n) => n.ipv6).filter((a): a is string => a !== undefined);
      expect(v6.length, `${v.name} has no IPv6 address`).toBeGreaterThan(0);
      for (const address of v6) expect(parseIPv6(address), `${v.name}: ${address}`).toBeDefined();
    }
  });
});

describe('npm run check (cli/check.ts)', () => {
  it('exits 0 on the fixture and prints only the one-line summary', () => {
    const run = spawnSync(process.execPath, [...CHECK, '--inventory', FIXTURE], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('2 sites, 2 clusters, 4 nodes, 16 VMs: 0 errors, 0 warnings\n');
  });

  it('exits 0 on the example (the default inventory) and sums it up', () => {
    const run = spawnSync(process.execPath, CHECK, { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d+ sites, \d+ clusters, \d+ nodes, \d+ VMs: 0 errors, 0 warnings$/m);
  });

  it('exits 1 on a bad inventory and prints each error as FILE:LINE:COL  path  message', () => {
    const run = spawnSync(process.execPath, [...CHECK, '--inventory', 'test/fixtures/inventory/bad-ipv4'], {
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
