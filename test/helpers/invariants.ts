// The invariant suite: what must hold for any valid organisation, with no counts and no names, so it runs
// unchanged on the shipped example, on a copy of it with one more VM, and on the fixture organisation.
import { deriveModel } from '../../model/derive.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebootSchedule } from '../../inventory/reboots.ts';
import { nodeLoads, nPlusOne } from '../../inventory/capacity.ts';
import { type Inventory, type LoadResult } from '../../inventory/inventory.ts';
import { accessModel } from '../../members/access.ts';
import { loadInventory } from '../../model/load.ts';
import { checkStack, type ProviderSchemaFile } from '../../providers/conformance.ts';
import { clusterStackName } from '../../stacks/naming.ts';
import { synthesize } from '../../stacks/synth.ts';
import type { StackJson } from '../../stacks/stack-json.ts';
import { CLOUD_INIT, validateCloudConfigs } from './cloud-init.ts';

const schema = JSON.parse(readFileSync('providers/proxmox/schema.json', 'utf8')) as ProviderSchemaFile;

if (!CLOUD_INIT)
  console.warn(
    'cloud-init is not installed (apt-get install cloud-init): the invariant suite skips its schema check',
  );

/** Defines the invariant tests for the inventory in the directory `dir()` returns (read in beforeAll). */
export function describeInvariants(label: string, dir: () => string): void {
  describe(`invariants of ${label}`, () => {
    let result: LoadResult;
    let inventory: Inventory;
    let out: string;
    const stack = (cluster: string): StackJson =>
      JSON.parse(
        readFileSync(join(out, 'stacks', clusterStackName(cluster), 'cdk.tf.json'), 'utf8'),
      ) as StackJson;
    const resourcesOf = (cluster: string, type: string): string[] =>
      Object.keys(stack(cluster).resource?.[type] ?? {}).sort();
    const names = (vms: readonly { name: string }[]): string[] => vms.map((vm) => vm.name).sort();

    beforeAll(async () => {
      result = loadInventory(dir());
      if (!result.inventory) return;
      inventory = result.inventory;
      out = join(mkdtempSync(join(tmpdir(), 'invariants-')), 'cdktf.out');
      await synthesize(deriveModel(inventory), out, {});
    });
    afterAll(() => {
      if (out) rmSync(join(out, '..'), { recursive: true, force: true });
    });

    it('loads with no errors', () => {
      expect(result.errors).toEqual([]);
      expect(result.inventory).toBeDefined();
    });

    it('gives every VM an IPv6 address (IPv6 first)', () => {
      for (const vm of inventory.vms)
        expect(
          vm.nics.some((nic) => nic.ipv6 !== undefined),
          vm.name,
        ).toBe(true);
    });

    it('holds N+1 and the memory of every node', () => {
      const reserve = inventory.org.capacity.memory_reserve;
      for (const cluster of inventory.clusters) {
        expect(nPlusOne(cluster, inventory.vms, reserve), cluster.name).toEqual([]);
        for (const load of nodeLoads(cluster, inventory.vms, reserve))
          expect(load.memory, load.node).toBeLessThanOrEqual(load.usable);
      }
    });

    it('schedules every reboot without a conflict', () => {
      expect(rebootSchedule(inventory).problems).toEqual([]);
    });

    it('writes one stack per cluster, with a VM resource for every VM of the cluster and nothing else', () => {
      // Plus the one dns stack when the organisation runs a dns-primary (test/dns.*.test.ts cover it), and
      // the one forge stack when org.yaml names a forge (test/members.forge.test.ts).
      const dns = inventory.vms.some((vm) => vm.services.some((s) => s.kind === 'dns-primary'));
      const forge = inventory.org.forge !== undefined;
      expect(readdirSync(join(out, 'stacks')).sort()).toEqual(
        [
          ...inventory.clusters.map((c) => clusterStackName(c.name)),
          ...(dns ? ['dns'] : []),
          ...(forge ? ['forge'] : []),
        ].sort(),
      );
      for (const cluster of inventory.clusters) {
        const mine = inventory.vms.filter((vm) => vm.cluster === cluster.name);
        expect(resourcesOf(cluster.name, 'proxmox_virtual_environment_vm'), cluster.name).toEqual(
          names(mine),
        );
        expect(resourcesOf(cluster.name, 'proxmox_haresource'), cluster.name).toEqual(
          names(mine.filter((vm) => vm.ha)),
        );
        const vms = stack(cluster.name).resource?.proxmox_virtual_environment_vm ?? {};
        for (const vm of mine) {
          expect(vms[vm.name], vm.name).toMatchObject({ vm_id: vm.id, node_name: vm.node });
          expect((vms[vm.name] as { lifecycle?: object }).lifecycle ?? {}, vm.name).toMatchObject(
            vm.protected ? { prevent_destroy: true } : {},
          );
        }
      }
    });

    it('conforms to the pinned provider schema in every stack', () => {
      for (const cluster of inventory.clusters)
        expect(checkStack(stack(cluster.name), [schema]), cluster.name).toEqual([]);
    });

    it('gives every member with a Proxmox grant on a cluster a user there, in no group but their roles, without a password', () => {
      for (const cluster of inventory.clusters) {
        const users = (stack(cluster.name).resource?.proxmox_virtual_environment_user ?? {}) as Record<
          string,
          { user_id: string; password?: string; groups: string[] }
        >;
        const granted = accessModel(inventory).filter((a) =>
          a.proxmox.some((p) => p.clusters.includes(cluster.name)),
        );
        expect(Object.keys(users).sort(), cluster.name).toEqual(granted.map((a) => a.user).sort());
        for (const [name, user] of Object.entries(users)) {
          expect(user.user_id).toBe(`${name}@${inventory.org.proxmox.realm}`);
          expect(user.password).toBeUndefined();
          const roles = inventory.members.find((m) => m.user === name)!.roles;
          for (const group of user.groups)
            expect(roles.map((r) => `\${proxmox_virtual_environment_group.${r}.group_id}`)).toContain(group);
        }
      }
    });

    it('writes a cloud-config for every Debian VM and none for os: other', () => {
      const written = readdirSync(join(out, 'artifacts/cloud-init')).sort();
      const debian = inventory.vms.filter((vm) => vm.os !== 'other');
      expect(written).toEqual(debian.map((vm) => `${vm.name}.yaml`).sort());
    });

    it.skipIf(!CLOUD_INIT)('passes cloud-init schema with every cloud-config, without deprecations', () => {
      const dirOf = join(out, 'artifacts/cloud-init');
      const lines = validateCloudConfigs(readdirSync(dirOf).map((f) => join(dirOf, f)));
      expect(lines.filter((l) => !l.startsWith('VALID '))).toEqual([]);
      expect(lines).toHaveLength(inventory.vms.filter((vm) => vm.os !== 'other').length);
    });

    it('monitors every VM and every Proxmox node as an Icinga2 host', () => {
      const hosts = readFileSync(join(out, 'artifacts/icinga2/hosts.conf'), 'utf8');
      const declared = [...hosts.matchAll(/^object Host "([^"]+)" \{$/gm)].map((m) => m[1]).sort();
      const nodes = inventory.clusters.flatMap((c) => c.nodes.map((n) => n.name));
      expect(declared).toEqual([...names(inventory.vms), ...nodes].sort());
    });
  });
}
