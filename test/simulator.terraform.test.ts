// The simulator judged by the real terraform: what it must reject, unknowns on create, apply, drift, replace, import.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { macAddress } from '../providers/simulator/objects.ts';
import { deleteObject, editObject, readWorld } from '../providers/simulator/state.ts';
import { NIC, PINNED, REQUIRED, type Scratch, scratch, TERRAFORM_MISSING } from './helpers/terraform.ts';

const ENDPOINT = 'https://pve.test.invalid:8006/';
const provider = { proxmox: [{ endpoint: ENDPOINT }] };
const vm = (extra: Record<string, unknown> = {}) => ({
  terraform: REQUIRED,
  provider,
  resource: {
    proxmox_virtual_environment_vm: {
      web: {
        node_name: 'n1',
        vm_id: 4242,
        migrate: true,
        cpu: { cores: 2 },
        memory: { dedicated: 2048 },
        network_device: [NIC, { ...NIC, bridge: 'vmbr1', vlan_id: 20 }],
        ...extra,
      },
    },
  },
});

interface PlanJson {
  resource_changes: {
    change: {
      actions: string[];
      after: Record<string, unknown>;
      after_unknown: Record<string, unknown>;
      replace_paths?: unknown[];
    };
  }[];
}

describe.skipIf(TERRAFORM_MISSING)('the simulator, judged by terraform', () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratch();
  });
  afterAll(async () => {
    await s.close();
  });

  const validate = async (name: string, config: object): Promise<string> => {
    s.config(name, config);
    expect((await s.tf(name, 'init', '-input=false')).code).toBe(0);
    const r = await s.tf(name, 'validate', '-no-color');
    return r.code === 0 ? 'valid' : r.stderr.replace(/\s+/g, ' ');
  };
  const planJson = async (name: string): Promise<PlanJson> => {
    const plan = await s.tf(name, 'plan', '-input=false', '-no-color', '-out=p.tfplan');
    expect(plan.code, plan.stderr).toBe(0);
    return JSON.parse((await s.tf(name, 'show', '-json', 'p.tfplan')).stdout) as PlanJson;
  };

  it('serves exactly the pinned schemas: terraform providers schema -json gives back the pinned files', async () => {
    s.config('schema', { terraform: REQUIRED, provider });
    expect((await s.tf('schema', 'init', '-input=false')).code).toBe(0);
    const served = JSON.parse((await s.tf('schema', 'providers', 'schema', '-json')).stdout) as {
      provider_schemas: Record<string, unknown>;
    };
    for (const file of PINNED) {
      const pinned = JSON.parse(readFileSync(file, 'utf8')) as { provider_schemas: Record<string, unknown> };
      for (const [address, schema] of Object.entries(pinned.provider_schemas))
        expect(served.provider_schemas[address], address).toEqual(schema);
    }
  });

  it('lets terraform reject a missing required attribute, a wrong type and an incomplete attribute object', async () => {
    const { node_name: _, ...withoutNode } = vm().resource.proxmox_virtual_environment_vm.web;
    expect(
      await validate('missing', {
        ...vm(),
        resource: { proxmox_virtual_environment_vm: { web: withoutNode } },
      }),
    ).toMatch(/Missing required argument.*"node_name" is required/);
    expect(await validate('type', vm({ vm_id: 'one hundred' }))).toMatch(
      /Incorrect attribute value type.*a number is required/,
    );
    expect(
      await validate('incomplete', vm({ network_device: [{ bridge: 'vmbr0', model: 'virtio' }] })),
    ).toMatch(/element 0: attributes "disconnected", "enabled", "firewall", "mac_address",.* are required/);
    expect(await validate('block-as-list', vm({ cpu: [{ cores: 1 }, { cores: 2 }] }))).toMatch(
      /Too many cpu blocks/,
    );
    expect(await validate('complete', vm())).toBe('valid');
  });

  it('plans computed values unknown on create, keeps the block and the attribute list as configured', async () => {
    s.config('life', vm());
    expect((await s.tf('life', 'init', '-input=false')).code).toBe(0);
    const [change] = (await planJson('life')).resource_changes;
    expect(change?.change.actions).toEqual(['create']);
    expect(change?.change.after_unknown).toMatchObject({
      id: true,
      mac_addresses: true,
      ipv4_addresses: true,
    });
    expect(change?.change.after.vm_id).toBe(4242);
    expect(change?.change.after.network_device).toEqual([NIC, { ...NIC, bridge: 'vmbr1', vlan_id: 20 }]);
    expect(change?.change.after.cpu).toMatchObject([{ cores: 2 }]);
  });

  it('applies with deterministic ids and MAC addresses, and plans nothing afterwards', async () => {
    const apply = await s.tf('life', 'apply', '-input=false', '-no-color', 'p.tfplan');
    expect(apply.code, apply.stderr).toBe(0);
    const stored = readWorld(s.world).endpoints[ENDPOINT]?.proxmox_virtual_environment_vm?.['4242'];
    expect(stored).toMatchObject({
      id: '4242',
      node_name: 'n1',
      mac_addresses: [macAddress(ENDPOINT, '4242', 0), macAddress(ENDPOINT, '4242', 1)],
    });
    expect(macAddress(ENDPOINT, '4242', 0)).toMatch(/^BC:24:11(:[0-9A-F]{2}){3}$/);
    expect((await s.tf('life', 'plan', '-detailed-exitcode', '-no-color')).code).toBe(0);
  });

  it('shows a hand edit in the web UI as drift that names the attribute, and apply puts it back', async () => {
    expect(
      editObject(s.world, 'proxmox_virtual_environment_vm', '4242', (o) => {
        (o.memory as { dedicated: number }[])[0]!.dedicated = 8192;
      }),
    ).toBe(true);
    const drift = await s.tf('life', 'plan', '-detailed-exitcode', '-no-color');
    expect(drift.code).toBe(2);
    expect(drift.stdout).toMatch(/~ dedicated\s+= 8192 -> 2048/);
    expect((await s.tf('life', 'apply', '-auto-approve', '-no-color')).code).toBe(0);
    const memory = readWorld(s.world).endpoints[ENDPOINT]?.proxmox_virtual_environment_vm?.['4242']?.memory;
    expect(memory).toMatchObject([{ dedicated: 2048 }]);
  });

  it('imports an object that is in the API but not in the state, and then plans nothing', async () => {
    expect((await s.tf('life', 'state', 'rm', 'proxmox_virtual_environment_vm.web')).code).toBe(0);
    const imported = await s.tf(
      'life',
      'import',
      '-no-color',
      'proxmox_virtual_environment_vm.web',
      'n1/4242',
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect((await s.tf('life', 'plan', '-detailed-exitcode', '-no-color')).code).toBe(0);
  });

  it('moves a VM to another node in place (migrate) but replaces it for a new VMID', async () => {
    s.config('life', vm({ node_name: 'n2' }));
    const [move] = (await planJson('life')).resource_changes;
    expect(move?.change.actions).toEqual(['update']);
    s.config('life', vm({ vm_id: 4243 }));
    const [replace] = (await planJson('life')).resource_changes;
    expect(replace?.change.actions).toEqual(['delete', 'create']);
    expect(replace?.change.replace_paths).toEqual([['vm_id']]);
    expect(replace?.change.after_unknown).toMatchObject({ id: true, mac_addresses: true });
    s.config('life', vm());
  });

  it('plans to create again what was deleted by hand', async () => {
    expect(deleteObject(s.world, 'proxmox_virtual_environment_vm', '4242')).toBe(true);
    const [change] = (await planJson('life')).resource_changes;
    expect(change?.change.actions).toEqual(['create']);
  });

  it('serves the dns provider too: a record set applies and converges, each DNS server a world of its own', async () => {
    s.config('dns', {
      terraform: REQUIRED,
      provider: { dns: [{ update: [{ server: '192.0.2.53', key_name: 'deploy.' }] }] },
      resource: {
        dns_aaaa_record_set: { www: { zone: 'example.org.', name: 'www', addresses: ['2001:db8::1'] } },
        dns_srv_record_set: {
          xmpp: {
            zone: 'example.org.',
            name: '_xmpp._tcp',
            srv: [{ priority: 0, weight: 5, port: 5222, target: 'xmpp.example.org.' }],
          },
        },
      },
    });
    expect((await s.tf('dns', 'init', '-input=false')).code).toBe(0);
    const apply = await s.tf('dns', 'apply', '-auto-approve', '-no-color');
    expect(apply.code, apply.stderr).toBe(0);
    expect(Object.keys(readWorld(s.world).endpoints['dns://192.0.2.53:53'] ?? {})).toEqual([
      'dns_aaaa_record_set',
      'dns_srv_record_set',
    ]);
    expect((await s.tf('dns', 'plan', '-detailed-exitcode', '-no-color')).code).toBe(0);
  });
});
