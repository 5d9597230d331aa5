// N+1 and per-node load on small in-memory clusters: which node's loss strands which HA VMs, and by how much.
import { describe, expect, it } from 'vitest';
import { nodeLoads, nPlusOne } from '../inventory/capacity.ts';
import { type Cluster, clusterSchema } from '../inventory/clusters.schema.ts';
import { type Vm, vmSchema } from '../inventory/vms.schema.ts';

const RESERVE = 8;

/** A Ceph cluster whose nodes have the given RAM in GiB (usable: RAM less the 8 GiB reserve). */
function cluster(memory: readonly number[]): Cluster {
  return clusterSchema.parse({
    name: 'c',
    site: 's',
    endpoint: 'https://pve.example.org:8006/',
    nodes: memory.map((m, i) => ({
      name: `n${i + 1}`,
      cores: 16,
      memory: m,
      local_disk: 100,
      ipv6: `2001:db8::${i + 1}`,
      host_keys: [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOUtXhrHL2cEtlr8OUcNPQfcNgVfHDfAFFD0h2E3FP7X root@pve',
      ],
    })),
    storages: [{ name: 'ceph-vm', type: 'rbd', pool: 'vm', content: ['images'] }],
    bridges: ['vmbr0'],
    snippets: 'ceph-vm',
    backup: { storage: 'ceph-vm' },
  });
}

let nextId = 100;

function vm(
  name: string,
  node: string,
  memory: number,
  extra: { ha?: boolean; anti_affinity?: string } = {},
): Vm {
  // The schema leaves cores and memory optional (the loader sizes a VM); this one gives both.
  const entry = vmSchema.parse({
    name,
    cluster: 'c',
    node,
    id: nextId++,
    cores: 1,
    memory,
    os: 'debian-12',
    disks: [{ storage: 'ceph-vm', size: 8 }],
    nics: [{ network: 'net', ipv6: '2001:db8:1::1' }],
    ha: true,
    ...extra,
  });
  return { ...entry, cores: 1, memory };
}

describe('nodeLoads', () => {
  it('sums memory and vCPUs of the VMs whose preferred node it is, and subtracts the reserve', () => {
    const loads = nodeLoads(
      cluster([64, 32]),
      [vm('a', 'n1', 4), vm('b', 'n1', 8), vm('c', 'n2', 2)],
      RESERVE,
    );
    expect(loads).toEqual([
      { node: 'n1', usable: 56, memory: 12, vcpus: 2, cores: 16 },
      { node: 'n2', usable: 24, memory: 2, vcpus: 1, cores: 16 },
    ]);
  });

  it('never reports negative usable memory for a node smaller than the reserve', () => {
    expect(nodeLoads(cluster([4]), [], RESERVE)[0]?.usable).toBe(0);
  });
});

describe('nPlusOne', () => {
  it('holds when the HA VMs of any one node fit on the survivors', () => {
    // 56 GiB usable per node; each node carries 20 GiB, so each survivor has 36 GiB free.
    const vms = [vm('a', 'n1', 20), vm('b', 'n2', 20), vm('c', 'n3', 12), vm('d', 'n3', 8)];
    expect(nPlusOne(cluster([64, 64, 64]), vms, RESERVE)).toEqual([]);
  });

  it('spreads a failed node over several survivors rather than needing one node with room for all', () => {
    // n3's 40 GiB fit on neither survivor alone (30 GiB free each), but 20 + 20 fit on both.
    const vms = [vm('a', 'n1', 26), vm('b', 'n2', 26), vm('c', 'n3', 20), vm('d', 'n3', 20)];
    expect(nPlusOne(cluster([64, 64, 64]), vms, RESERVE)).toEqual([]);
  });

  it('breaks when a node fails whose HA VMs do not fit, naming the node, the VMs and the shortfall', () => {
    // Survivors have 56 - 40 = 16 GiB free each; n3's 24 GiB VM fits nowhere, its 8 GiB VM does.
    const vms = [
      vm('a', 'n1', 40, { ha: false }),
      vm('b', 'n2', 40, { ha: false }),
      vm('big', 'n3', 24),
      vm('small', 'n3', 8),
    ];
    expect(nPlusOne(cluster([64, 64, 64]), vms, RESERVE)).toEqual([
      { cluster: 'c', failedNode: 'n3', unplaced: ['big'], shortfall: 24, antiAffinity: [] },
    ]);
  });

  it('places the largest HA VMs first and reports every one left over', () => {
    // n2 fails: the 12 GiB free on n1 take "x" (10 GiB); "y" and "z" (6 GiB each) are left over.
    const vms = [vm('base', 'n1', 44, { ha: false }), vm('x', 'n2', 10), vm('y', 'n2', 6), vm('z', 'n2', 6)];
    const breaks = nPlusOne(cluster([64, 64]), vms, RESERVE);
    expect(breaks).toEqual([
      { cluster: 'c', failedNode: 'n2', unplaced: ['y', 'z'], shortfall: 12, antiAffinity: [] },
    ]);
  });

  it('ignores VMs that are not HA: they stay down with their node', () => {
    // Were "b" HA, losing n2 would strand it: n1 has 46 GiB free, "b" needs 100.
    const vms = [vm('a', 'n1', 10), vm('b', 'n2', 100, { ha: false })];
    expect(nPlusOne(cluster([64, 128]), vms, RESERVE)).toEqual([]);
  });

  it('honours anti-affinity during failover: a VM never lands on a node hosting its group', () => {
    // n3 is full, so the only node with room for dns1 or dns2 is the one hosting the other.
    const layout = (group?: string) => [
      vm('dns1', 'n1', 1, group ? { anti_affinity: group } : {}),
      vm('dns2', 'n2', 1, group ? { anti_affinity: group } : {}),
      vm('filler', 'n3', 56, { ha: false }),
    ];
    expect(nPlusOne(cluster([64, 64, 64]), layout(), RESERVE)).toEqual([]);
    expect(nPlusOne(cluster([64, 64, 64]), layout('dns'), RESERVE)).toEqual([
      { cluster: 'c', failedNode: 'n1', unplaced: ['dns1'], shortfall: 0, antiAffinity: ['dns1'] },
      { cluster: 'c', failedNode: 'n2', unplaced: ['dns2'], shortfall: 0, antiAffinity: ['dns2'] },
    ]);
  });

  it('counts a VM placed during the same failover as a member of its group on the target node', () => {
    // n1 fails with g1 and g2 of one group: n3 takes g1; n2 hosts g3 already, so g2 is stranded.
    const vms = [
      vm('g1', 'n1', 2, { anti_affinity: 'g' }),
      vm('g2', 'n1', 2, { anti_affinity: 'g' }),
      vm('g3', 'n2', 2, { anti_affinity: 'g' }),
    ];
    const failN1 = nPlusOne(cluster([64, 64, 64]), vms, RESERVE).find((b) => b.failedNode === 'n1');
    expect(failN1).toEqual({
      cluster: 'c',
      failedNode: 'n1',
      unplaced: ['g2'],
      shortfall: 0,
      antiAffinity: ['g2'],
    });
  });

  it('finds nothing to check in a single-node cluster: there is no node to fail over to', () => {
    const vms = [vm('a', 'n1', 50), vm('b', 'n1', 50)];
    expect(nPlusOne(cluster([64]), vms, RESERVE)).toEqual([]);
  });

  it('considers only the VMs of its own cluster', () => {
    const elsewhere = { ...vm('other', 'n2', 50), cluster: 'elsewhere' };
    expect(nPlusOne(cluster([64, 64]), [vm('a', 'n1', 40), elsewhere], RESERVE)).toEqual([]);
  });
});
