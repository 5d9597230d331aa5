// The port range is one value type (inventory/ports.ts): vms.yaml's "FROM-TO" and the catalog's ranges are
// read into it once, and each renderer writes it in its own language, pinned on the fixture organisation.
import { afterAll, describe, expect, it } from 'vitest';
import { Testing } from 'cdktf';
import { nftablesConf } from '../baseline/firewall.ts';
import { firstBootModel } from '../baseline/vm-model.ts';
import { proxmoxPorts } from '../constructs/proxmox-ports.ts';
import { includesPort, overlaps, portRange, portRangeText } from '../inventory/ports.ts';
import { deriveModel } from '../model/derive.ts';
import { CATALOG } from '../services/catalog.ts';
import { ClusterStack } from '../stacks/ClusterStack.ts';
import { FIXTURE, fixtureInventory, vmNamed } from './helpers/inventories.ts';
import { findingsOf, removeVariants, variantDir } from './helpers/variant.ts';

afterAll(removeVariants);

describe('the port-range type', () => {
  it('is a single port or an inclusive range, and knows overlap and membership', () => {
    expect(portRange(443)).toEqual({ from: 443, to: 443 });
    expect(portRangeText(portRange(443))).toBe('443');
    expect(portRangeText(portRange(10000, 10100))).toBe('10000-10100');
    expect(proxmoxPorts(portRange(10000, 10100))).toBe('10000:10100');
    expect(proxmoxPorts(portRange(22))).toBe('22');
    expect(overlaps(portRange(10, 20), portRange(20, 30))).toBe(true);
    expect(overlaps(portRange(10, 19), portRange(20, 30))).toBe(false);
    expect(includesPort(portRange(1, 1024), 22)).toBe(true);
    expect(includesPort(portRange(23, 1024), 22)).toBe(false);
  });

  it('is what the catalog states its ranges in', () => {
    expect(CATALOG.get('bigbluebutton')?.ports).toContainEqual(
      expect.objectContaining({ proto: 'udp', port: { from: 16384, to: 32768 } }),
    );
  });
});

describe('a port range of vms.yaml on the fixture organisation', () => {
  const inventory = fixtureInventory();
  const scratch = vmNamed(inventory, 'scratch');

  it('is read from "10000-10100" into { from, to } by the schema', () => {
    expect(scratch.extra_ports[0]).toMatchObject({ port: { from: 10000, to: 10100 }, proto: 'udp' });
  });

  it('is written 10000-10100 in the VM nftables and 10000:10100 in its Proxmox firewall', () => {
    const model = deriveModel(inventory);
    const rules = firstBootModel(model, scratch).firewall;
    expect(rules.filter((r) => r.proto === 'udp').map((r) => r.dport)).toEqual([{ from: 10000, to: 10100 }]);
    expect(nftablesConf(rules, false)).toContain('udp dport 10000-10100 accept comment "media try-outs"');

    const app = Testing.app();
    const cluster = inventory.clusters.find((c) => c.name === scratch.cluster)!;
    const stack = new ClusterStack(app, { model, cluster, env: {} });
    const json = JSON.parse(Testing.synth(stack)) as {
      resource: Record<
        string,
        Record<string, { rule?: { proto: string; dport?: string; comment: string }[] }>
      >;
    };
    const firewall = json.resource.proxmox_virtual_environment_firewall_rules!.scratch!.rule!;
    expect(firewall.filter((r) => r.proto === 'udp')).toEqual([
      expect.objectContaining({ dport: '10000:10100', comment: 'media try-outs' }),
    ]);
  });

  it('is refused, located, when it runs backwards or past 65535', () => {
    const index = inventory.vms.indexOf(scratch);
    for (const text of ['10100-10000', '60000-70000']) {
      const { result, lines } = findingsOf(
        variantDir(
          [{ file: 'vms.yaml', path: ['vms', index, 'extra_ports', 0, 'port'], value: text }],
          FIXTURE,
        ),
      );
      expect(result.inventory).toBeUndefined();
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^vms\\.yaml:\\d+:\\d+  vms\\[${index}\\]\\.extra_ports\\[0\\]\\.port  "${text}" is not a port range; expected FROM-TO with 1 <= FROM <= TO <= 65535$`,
          ),
        ),
      ]);
    }
  });
});
