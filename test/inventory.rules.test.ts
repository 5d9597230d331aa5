// Each rule of inventory/rules/ on its own: silent on the fixture organisation, and one located finding
// for the one mistake it is about (the fixture changed in memory, located in the fixture's files).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { type Inventory, readInventory } from '../inventory/inventory.ts';
import { INVENTORY_RULES, memberRules } from '../inventory/rules/index.ts';
import { RESOLVED_RULES } from '../model/load.ts';
import { nPlusOneBroken } from '../inventory/rules/n-plus-one-broken.ts';
import { nodeOverCapacity } from '../inventory/rules/node-over-capacity.ts';
import { rebootTurnsClash } from '../inventory/rules/reboot-turns-clash.ts';
import type { Rule } from '../inventory/rules/rule.ts';
import { uniqueNames } from '../inventory/rules/unique-names.ts';
import { FIXTURE } from './helpers/inventories.ts';

const read = readInventory(FIXTURE);
const fixture = read.inventory!;

function run(rule: Rule, change: (inv: Inventory) => Inventory = (inv) => inv): string[] {
  return rule({ inventory: change(fixture), sources: read.sources }).map(formatFinding);
}

const vms = (
  inv: Inventory,
  edit: (vm: Inventory['vms'][number]) => Inventory['vms'][number],
): Inventory => ({
  ...inv,
  vms: inv.vms.map(edit),
});

describe('inventory rules', () => {
  it('are each a file of inventory/rules/ named after what it forbids, and all in the list', () => {
    const files = readdirSync('inventory/rules').filter(
      (f) => !['index.ts', 'rule.ts', 'types.ts', 'placed-vms.ts'].includes(f),
    );
    expect(files.sort()).toEqual([
      'duplicate-member.ts',
      'duplicate-role.ts',
      'key-used-twice.ts',
      'membership-expired.ts',
      'n-plus-one-broken.ts',
      'no-admin-left.ts',
      'node-over-capacity.ts',
      'proxmox-path-matches-nothing.ts',
      'reboot-turns-clash.ts',
      'reserved-user.ts',
      'sponsor-lacks-role.ts',
      'sponsor-not-member.ts',
      'ssh-selector-matches-nothing.ts',
      'unique-names.ts',
      'unknown-role.ts',
      'vm-name-taken-by-stack.ts',
    ]);
    // The member and role rules (members.rules.test.ts) judge expiry against a day: a list of their own.
    expect(memberRules).toHaveLength(11);
    expect(INVENTORY_RULES).toEqual(expect.arrayContaining([uniqueNames, nodeOverCapacity, nPlusOneBroken]));
    expect(RESOLVED_RULES).toContain(rebootTurnsClash);
  });

  it('find nothing on the fixture organisation', () => {
    for (const rule of [...INVENTORY_RULES, ...RESOLVED_RULES]) expect(run(rule)).toEqual([]);
  });

  it('unique-names: a VM name used twice', () => {
    expect(
      run(uniqueNames, (inv) => vms(inv, (vm) => (vm.name === 'db2' ? { ...vm, name: 'db1' } : vm))),
    ).toEqual([
      `${FIXTURE}/vms.yaml:67:11  vms[4].name  VM "db1" is defined twice (first at vms[3]); expected unique names`,
    ]);
  });

  it('node-over-capacity: more vCPUs than the overcommit allows, and a node near its memory', () => {
    expect(
      run(nodeOverCapacity, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, cores: 30 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  node "node1" has 34 vCPUs on 8 cores, above the overcommit ratio 4; expected at most 32 vCPUs`,
    ]);
    expect(
      run(nodeOverCapacity, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, memory: 42 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  warning: node "node1" is 89% committed (50 GiB of 56 GiB), above 85%`,
    ]);
  });

  it('n-plus-one-broken: the HA VMs of a failed node find no room', () => {
    expect(
      run(nPlusOneBroken, (inv) => vms(inv, (vm) => (vm.name === 'git' ? { ...vm, memory: 40 } : vm))),
    ).toEqual([
      `${FIXTURE}/clusters.yaml:7:9  clusters[0].nodes[0]  N+1 broken in cluster "ceph": if node "node1" fails, HA VM git finds no node with room (short by 40 GiB)`,
      // node1 is now too full to take the replica db2, whose group keeps it off node3 (db1).
      `${FIXTURE}/clusters.yaml:8:9  clusters[0].nodes[1]  N+1 broken in cluster "ceph": if node "node2" fails, HA VM db2 finds no node outside its anti-affinity group`,
      `${FIXTURE}/clusters.yaml:9:9  clusters[0].nodes[2]  N+1 broken in cluster "ceph": if node "node3" fails, HA VM db1 finds no node outside its anti-affinity group`,
    ]);
  });

  it('reboot-turns-clash: two VMs of one group whose windows put their reboots too close', () => {
    expect(
      run(rebootTurnsClash, (inv) =>
        vms(inv, (vm) => (vm.name === 'proxy2' ? { ...vm, reboot_window: '02:40-05:00' } : vm)),
      ),
    ).toEqual([
      `${FIXTURE}/vms.yaml:21:5  vms[1].reboot_window  reboots at 03:10, 10 minutes from "proxy1" of group "proxy" at 03:00; expected at least 30 minutes apart`,
    ]);
  });
});
