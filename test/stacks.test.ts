// Cluster stacks and their constructs: what the inventory says is what Terraform gets.
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { BackupJob } from '../.gen/providers/proxmox/backup-job/index.ts';
import { DownloadFile } from '../.gen/providers/proxmox/download-file/index.ts';
import { Haresource } from '../.gen/providers/proxmox/haresource/index.ts';
import { Harule } from '../.gen/providers/proxmox/harule/index.ts';
import { VirtualEnvironmentClusterFirewall } from '../.gen/providers/proxmox/virtual-environment-cluster-firewall/index.ts';
import { VirtualEnvironmentFirewallIpset } from '../.gen/providers/proxmox/virtual-environment-firewall-ipset/index.ts';
import { VirtualEnvironmentFirewallRules } from '../.gen/providers/proxmox/virtual-environment-firewall-rules/index.ts';
import { VirtualEnvironmentVm } from '../.gen/providers/proxmox/virtual-environment-vm/index.ts';
import { vmFirewallRules } from '../baseline/firewall.ts';
import { DebianVm } from '../constructs/DebianVm.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { ClusterStack } from '../stacks/ClusterStack.ts';
import { exampleInventory } from './helpers/example.ts';

interface StackJson {
  terraform: { backend: Record<string, Record<string, unknown>> };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

function synthCluster(inventory: Inventory, cluster: string, env: NodeJS.ProcessEnv = {}): StackJson {
  const app = Testing.app();
  const stack = new ClusterStack(app, {
    inventory,
    cluster: inventory.clusters.find((c) => c.name === cluster)!,
    env,
  });
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

describe('DebianVm', () => {
  const synth = (props: Partial<ConstructorParameters<typeof DebianVm>[2]> = {}): string =>
    Testing.synthScope((scope) => {
      new DebianVm(scope, 'web', {
        name: 'web',
        vmId: 4242,
        node: 'n1',
        cores: 3,
        memoryGiB: 6,
        disks: [
          { storage: 'ceph-vm', size: 20 },
          { storage: 'ceph-vm', size: 100 },
        ],
        nics: [
          {
            bridge: 'vmbr0',
            ipv6: '2001:db8:1::10/64',
            gateway6: '2001:db8:1::1',
            ipv4: '192.0.2.10/26',
            gateway4: '192.0.2.1',
          },
          { bridge: 'vmbr1', vlan: 20, ipv6: '2001:db8:2::10/64', gateway6: '2001:db8:2::1' },
        ],
        bootImage: 'cephfs:import/debian-12-genericcloud-amd64.qcow2',
        userData: '#cloud-config\nhostname: web\n',
        snippetStorage: 'cephfs',
        domain: 'example.org',
        tags: ['web', 'db', 'web'],
        ...props,
      });
    });

  it('gives the VM the cores, memory (MiB), disks and tags it was asked for', () => {
    expect(synth()).toHaveResourceWithProperties(VirtualEnvironmentVm, {
      vm_id: 4242,
      node_name: 'n1',
      cpu: { cores: 3, type: 'x86-64-v2-AES' },
      memory: { dedicated: 6144 },
      tags: ['db', 'web'],
      disk: [
        {
          interface: 'virtio0',
          datastore_id: 'ceph-vm',
          size: 20,
          import_from: 'cephfs:import/debian-12-genericcloud-amd64.qcow2',
        },
        { interface: 'virtio1', datastore_id: 'ceph-vm', size: 100 },
      ],
      agent: { enabled: true },
      on_boot: true,
      stop_on_destroy: false,
    });
  });

  it('puts NICs on their bridges and VLANs with static addresses, and only the first NIC gets the gateway', () => {
    const vm = JSON.parse(synth()).resource.proxmox_virtual_environment_vm!.web as Record<string, unknown>;
    // An attribute (not a block) in bpg/proxmox: every key, the unset ones null.
    const unset = { disconnected: null, enabled: null, mac_address: null, mtu: null, queues: null };
    const more = { rate_limit: null, trunks: null };
    expect(vm.network_device).toEqual([
      { bridge: 'vmbr0', model: 'virtio', firewall: true, vlan_id: null, ...unset, ...more },
      { bridge: 'vmbr1', model: 'virtio', firewall: true, vlan_id: 20, ...unset, ...more },
    ]);
    expect((vm.initialization as { ip_config: unknown }).ip_config).toEqual([
      {
        ipv6: { address: '2001:db8:1::10/64', gateway: '2001:db8:1::1' },
        ipv4: { address: '192.0.2.10/26', gateway: '192.0.2.1' },
      },
      { ipv6: { address: '2001:db8:2::10/64' } },
    ]);
  });

  it('marks a protected VM prevent_destroy and Proxmox-protected, and an unprotected one neither', () => {
    const protectedVm = JSON.parse(synth({ protected: true })).resource.proxmox_virtual_environment_vm!.web;
    expect(protectedVm.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['initialization'] });
    expect(protectedVm.protection).toBe(true);
    const plain = JSON.parse(synth()).resource.proxmox_virtual_environment_vm!.web;
    expect(plain.lifecycle).toEqual({ ignore_changes: ['initialization'] });
    expect(plain.protection).toBe(false);
  });

  it('registers an HA VM with HA and a non-strict rule preferring its node', () => {
    const json = synth({ ha: true });
    expect(json).toHaveResourceWithProperties(Haresource, { resource_id: 'vm:4242', state: 'started' });
    expect(json).toHaveResourceWithProperties(Harule, {
      type: 'node-affinity',
      resources: ['vm:4242'],
      nodes: { n1: 1 },
      strict: false,
    });
    expect(JSON.parse(synth()).resource.proxmox_haresource).toBeUndefined();
  });

  it('drops inbound traffic by default and accepts exactly the rules given', () => {
    const json = synth({ firewallRules: [{ proto: 'tcp', dport: '443', comment: 'https' }] });
    const rules = JSON.parse(json).resource.proxmox_virtual_environment_firewall_rules!.web;
    expect(rules.rule).toEqual([
      { type: 'in', action: 'ACCEPT', proto: 'tcp', dport: '443', comment: 'https', enabled: true },
    ]);
    expect(JSON.parse(json).resource.proxmox_virtual_environment_firewall_options!.web).toMatchObject({
      enabled: true,
      input_policy: 'DROP',
    });
  });
});

describe('ClusterStack on the example organisation', () => {
  const inventory = exampleInventory();

  it('creates one VM resource per inventory VM of the cluster, named after the VM', () => {
    const alpha = synthCluster(inventory, 'alpha');
    const expected = inventory.vms
      .filter((vm) => vm.cluster === 'alpha')
      .map((vm) => vm.name)
      .sort();
    expect(Object.keys(alpha.resource.proxmox_virtual_environment_vm!).sort()).toEqual(expected);
    const gitea = inventory.vms.find((vm) => vm.name === 'gitea')!;
    expect(alpha.resource.proxmox_virtual_environment_vm!.gitea).toMatchObject({
      vm_id: gitea.id,
      node_name: gitea.node,
      cpu: { cores: gitea.cores },
      memory: { dedicated: gitea.memory * 1024 },
      lifecycle: { prevent_destroy: true },
      migrate: true,
    });
  });

  it('downloads the Debian image once per shared storage, and once per node and release on local storage', () => {
    const alpha = synthCluster(inventory, 'alpha');
    expect(Object.keys(alpha.resource.proxmox_download_file!)).toEqual(['debian-12-cephfs']);
    const solo = synthCluster(inventory, 'solo');
    expect(Object.keys(solo.resource.proxmox_download_file!).sort()).toEqual([
      'debian-12-solo1-local',
      'debian-13-solo1-local',
    ]);

    // A three-node cluster with node-local image storage: one download per node that runs a VM.
    const local: Inventory = {
      ...inventory,
      clusters: inventory.clusters.map((c) =>
        c.name === 'alpha'
          ? {
              ...c,
              snippets: 'local',
              storages: [
                ...c.storages,
                { name: 'local', type: 'dir' as const, content: ['snippets' as const, 'import' as const] },
              ],
            }
          : c,
      ),
    };
    const downloads = synthCluster(local, 'alpha').resource.proxmox_download_file ?? {};
    const nodesWithVms = [
      ...new Set(inventory.vms.filter((vm) => vm.cluster === 'alpha').map((vm) => vm.node)),
    ].sort();
    expect(Object.keys(downloads).sort()).toEqual(nodesWithVms.map((n) => `debian-12-${n}-local`));
    for (const node of nodesWithVms)
      expect(downloads[`debian-12-${node}-local`]).toMatchObject({ node_name: node, content_type: 'import' });
  });

  it('turns the cluster firewall on with inbound default-deny, and opens SSH and the web UI only to management networks', () => {
    const json = JSON.stringify(synthCluster(inventory, 'alpha'));
    expect(json).toHaveResourceWithProperties(VirtualEnvironmentClusterFirewall, {
      enabled: true,
      input_policy: 'DROP',
    });
    expect(json).toHaveResourceWithProperties(VirtualEnvironmentFirewallIpset, {
      name: 'management',
      cidr: [{ name: '2001:db8:102::/64' }, { name: '203.0.113.0/28' }],
    });
    const rules = JSON.parse(json).resource.proxmox_virtual_environment_firewall_rules!.cluster.rule as {
      dport?: string;
      source: string;
    }[];
    expect(rules.filter((r) => r.dport === '22' || r.dport === '8006').map((r) => r.source)).toEqual([
      '+management',
      '+management',
    ]);
    expect(rules.every((r) => r.source === '+management')).toBe(true);
    expect(
      JSON.parse(json).resource.proxmox_virtual_environment_firewall_rules!.cluster.node_name,
    ).toBeUndefined();
  });

  it('schedules the nightly vzdump job to the storage the inventory names, with its retention', () => {
    const json = JSON.stringify(synthCluster(inventory, 'solo'));
    expect(json).toHaveResourceWithProperties(BackupJob, {
      id: 'nightly-solo',
      storage: 'backup-nfs',
      schedule: '*-*-* 01:30',
      all: true,
      prune_backups: { 'keep-daily': '14', 'keep-weekly': '4', 'keep-monthly': '3' },
    });
  });

  it('keeps redundant HA VMs apart with a negative resource-affinity rule per anti-affinity group', () => {
    const alpha = synthCluster(inventory, 'alpha');
    const id = (name: string): string => `vm:${inventory.vms.find((vm) => vm.name === name)!.id}`;
    expect(alpha.resource.proxmox_harule!['anti-proxy-ber']).toMatchObject({
      type: 'resource-affinity',
      affinity: 'negative',
      resources: [id('proxy1'), id('proxy2')].sort(),
    });
    // drone-runner1/2 share a group but are not HA: placement alone keeps them apart, no HA rule.
    expect(alpha.resource.proxmox_harule!['anti-drone-runner']).toBeUndefined();
  });

  it('synthesizes no credential: the provider gets only its endpoint', () => {
    const alpha = synthCluster(inventory, 'alpha', {
      PROXMOX_VE_API_TOKEN: 'root@pam!ci=SECRET-TOKEN-VALUE',
      PG_CONN_STR: 'postgres://u:SECRETPW@db/x',
    });
    expect(alpha.provider.proxmox).toEqual([{ endpoint: 'https://pve-alpha.example.org:8006/' }]);
    expect(JSON.stringify(alpha)).not.toMatch(/SECRET/);
  });
});

describe('state backends', () => {
  const inventory = exampleInventory();

  it('keeps state locally by default, one file per stack', () => {
    expect(synthCluster(inventory, 'beta').terraform.backend).toEqual({
      local: { path: 'terraform.cluster-beta.tfstate' },
    });
  });

  it('uses one PostgreSQL schema per stack and leaves the connection string to PG_CONN_STR', () => {
    const backend = synthCluster(inventory, 'beta', {
      INFRA_BACKEND: 'pg',
      PG_CONN_STR: 'postgres://u:pw@db/state',
    }).terraform.backend;
    expect(backend).toEqual({ pg: { schema_name: 'cluster_beta' } });
  });

  it('uses an S3-compatible store with a key per stack and lock files', () => {
    const backend = synthCluster(inventory, 'beta', {
      INFRA_BACKEND: 's3',
      INFRA_S3_BUCKET: 'tfstate',
      INFRA_S3_ENDPOINT: 'https://rgw.example.org',
    }).terraform.backend;
    expect(backend.s3).toMatchObject({
      bucket: 'tfstate',
      key: 'cluster-beta/terraform.tfstate',
      use_lockfile: true,
      endpoints: { s3: 'https://rgw.example.org' },
      use_path_style: true,
    });
  });

  it('refuses an unknown backend and an S3 backend without a bucket', () => {
    expect(() => synthCluster(inventory, 'beta', { INFRA_BACKEND: 'consul' })).toThrow(
      /expected local, pg or s3/,
    );
    expect(() => synthCluster(inventory, 'beta', { INFRA_BACKEND: 's3' })).toThrow(/INFRA_S3_BUCKET/);
  });
});

describe('HA resources', () => {
  it('registers every HA VM of the example and no other', () => {
    const inventory = exampleInventory();
    for (const cluster of inventory.clusters) {
      const json = synthCluster(inventory, cluster.name);
      const registered = Object.keys(json.resource.proxmox_haresource ?? {}).sort();
      expect(registered).toEqual(
        inventory.vms
          .filter((vm) => vm.cluster === cluster.name && vm.ha)
          .map((vm) => vm.name)
          .sort(),
      );
    }
    expect(Haresource.tfResourceType).toBe('proxmox_haresource');
    expect(DownloadFile.tfResourceType).toBe('proxmox_download_file');
    expect(VirtualEnvironmentFirewallRules.tfResourceType).toBe('proxmox_virtual_environment_firewall_rules');
  });
});

describe('VM firewalls on the example organisation', () => {
  it("open on the Proxmox side exactly the VM's own inbound rules, plus ping", () => {
    const inventory = exampleInventory();
    for (const cluster of inventory.clusters) {
      const json = synthCluster(inventory, cluster.name);
      for (const vm of inventory.vms.filter((v) => v.cluster === cluster.name)) {
        const rules = json.resource.proxmox_virtual_environment_firewall_rules![vm.name]!.rule as {
          proto: string;
          dport?: string;
          source?: string;
        }[];
        const expected = vmFirewallRules(inventory, vm).map(
          (r) => `${r.proto} ${r.dport} ${r.source ?? 'any'}`,
        );
        const got = rules
          .filter((r) => r.dport !== undefined)
          .map((r) => `${r.proto} ${r.dport} ${r.source ?? 'any'}`);
        expect(got, vm.name).toEqual(expected);
        expect(rules.filter((r) => r.dport === undefined).map((r) => r.proto)).toEqual(['icmp', 'ipv6-icmp']);
      }
    }
  });

  it('leaves a database reachable only from the VMs that use it, never from anywhere', () => {
    const inventory = exampleInventory();
    const rules = synthCluster(inventory, 'alpha').resource.proxmox_virtual_environment_firewall_rules!.db1!
      .rule as { dport?: string; source?: string }[];
    const postgres = rules.filter((r) => r.dport === '5432');
    expect(postgres.length).toBeGreaterThan(0);
    expect(postgres.every((r) => r.source !== undefined)).toBe(true);
  });
});
