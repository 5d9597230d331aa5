// Cluster stacks and their constructs: what the inventory says is what Terraform gets.
import { proxmoxPorts } from '../constructs/proxmox-ports.ts';
import { portRange } from '../inventory/ports.ts';
import { deriveModel, factsOf } from '../model/derive.ts';
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
import { DebianVm } from '../constructs/DebianVm.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { synthClusterStack } from './helpers/cluster-stack.ts';
import { exampleInventory, fixtureInventory } from './helpers/inventories.ts';

interface StackJson {
  terraform: { backend: Record<string, Record<string, unknown>> };
  provider: Record<string, Record<string, unknown>[]>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

const synthCluster = (inventory: Inventory, cluster: string, env: NodeJS.ProcessEnv = {}): StackJson =>
  synthClusterStack<StackJson>(inventory, cluster, env);

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
    const ignore = ['initialization', 'disk[0].import_from'];
    expect(protectedVm.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ignore });
    expect(protectedVm.protection).toBe(true);
    const plain = JSON.parse(synth()).resource.proxmox_virtual_environment_vm!.web;
    expect(plain.lifecycle).toEqual({ ignore_changes: ignore });
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
    const json = synth({ firewallRules: [{ proto: 'tcp', dport: portRange(443), comment: 'https' }] });
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

describe('ClusterStack on the fixture organisation', () => {
  const inventory = fixtureInventory();

  it('creates one VM resource per inventory VM of the cluster, named after the VM', () => {
    const ceph = synthCluster(inventory, 'ceph');
    expect(Object.keys(ceph.resource.proxmox_virtual_environment_vm!).sort()).toEqual([
      'db1',
      'db2',
      'git',
      'mail',
      'matrix',
      'mon',
      'ns1',
      'proxy1',
      'proxy2',
      'scratch',
    ]);
    expect(ceph.resource.proxmox_virtual_environment_vm!.git).toMatchObject({
      vm_id: 103,
      node_name: 'node1',
      cpu: { cores: 4 },
      memory: { dedicated: 8192 },
      lifecycle: { prevent_destroy: true },
      migrate: true,
    });
    expect(ceph.resource.proxmox_virtual_environment_vm!.scratch).not.toHaveProperty(
      'lifecycle.prevent_destroy',
    );
  });

  it('downloads the Debian image once per shared storage, and once per node and release on local storage', () => {
    const ceph = synthCluster(inventory, 'ceph');
    expect(Object.keys(ceph.resource.proxmox_download_file!).sort()).toEqual([
      'debian-12-cephfs',
      'debian-13-cephfs',
    ]);
    const solo = synthCluster(inventory, 'solo');
    expect(Object.keys(solo.resource.proxmox_download_file!).sort()).toEqual(['debian-12-solo1-local']);

    // A three-node cluster with node-local image storage: one download per node that runs a VM.
    const local: Inventory = {
      ...inventory,
      clusters: inventory.clusters.map((c) =>
        c.name === 'ceph'
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
    const downloads = synthCluster(local, 'ceph').resource.proxmox_download_file ?? {};
    // Debian 13 runs only on db1 (node3) and db2 (node2).
    expect(Object.keys(downloads).sort()).toEqual([
      'debian-12-node1-local',
      'debian-12-node2-local',
      'debian-12-node3-local',
      'debian-13-node2-local',
      'debian-13-node3-local',
    ]);
    expect(downloads['debian-13-node2-local']).toMatchObject({ node_name: 'node2', content_type: 'import' });
  });

  it('turns the cluster firewall on with inbound default-deny, and opens SSH and the web UI only to management networks', () => {
    const json = JSON.stringify(synthCluster(inventory, 'ceph'));
    expect(json).toHaveResourceWithProperties(VirtualEnvironmentClusterFirewall, {
      enabled: true,
      input_policy: 'DROP',
    });
    expect(json).toHaveResourceWithProperties(VirtualEnvironmentFirewallIpset, {
      name: 'management',
      cidr: [{ name: '2001:db8:2::/64' }],
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
      storage: 'local',
      schedule: '*-*-* 01:30',
      all: true,
      prune_backups: { 'keep-daily': '14', 'keep-weekly': '4', 'keep-monthly': '3' },
    });
  });

  it('keeps redundant HA VMs apart with a negative resource-affinity rule per anti-affinity group', () => {
    const ceph = synthCluster(inventory, 'ceph');
    expect(ceph.resource.proxmox_harule!['anti-proxy']).toMatchObject({
      type: 'resource-affinity',
      affinity: 'negative',
      resources: ['vm:101', 'vm:102'],
    });
    expect(ceph.resource.proxmox_harule!['anti-postgres']).toMatchObject({ resources: ['vm:104', 'vm:105'] });
    // VMs that share a group but are not HA: placement alone keeps them apart, no HA rule.
    const notHa: Inventory = {
      ...inventory,
      vms: inventory.vms.map((vm) => (vm.anti_affinity === 'proxy' ? { ...vm, ha: false } : vm)),
    };
    expect(synthCluster(notHa, 'ceph').resource.proxmox_harule!['anti-proxy']).toBeUndefined();
  });

  it('synthesizes no credential: the provider gets only its endpoint and where the nodes are', () => {
    const ceph = synthCluster(inventory, 'ceph', {
      PROXMOX_VE_API_TOKEN: 'root@pam!ci=SECRET-TOKEN-VALUE',
      PROXMOX_VE_SSH_USERNAME: 'SECRET-USER',
      PROXMOX_VE_SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET\n',
      PG_CONN_STR: 'postgres://u:SECRETPW@db/x',
    });
    expect(ceph.provider.proxmox).toEqual([
      {
        endpoint: 'https://pve-ceph.fixture.example.org:8006/',
        ssh: [
          {
            node: [
              { name: 'node1', address: '2001:db8:2::11' },
              { name: 'node2', address: '2001:db8:2::12' },
              { name: 'node3', address: '2001:db8:2::13' },
            ],
          },
        ],
      },
    ]);
    expect(JSON.stringify(ceph)).not.toMatch(/SECRET/);
  });
});

describe('state backends', () => {
  const inventory = fixtureInventory();

  it('keeps state locally by default, one file per stack in terraform.state/ beside the synth output', () => {
    expect(synthCluster(inventory, 'solo').terraform.backend).toEqual({
      local: { path: '../../../terraform.state/cluster-solo.tfstate' },
    });
  });

  it('uses one PostgreSQL schema per stack and leaves the connection string to PG_CONN_STR', () => {
    const backend = synthCluster(inventory, 'solo', {
      INFRA_BACKEND: 'pg',
      PG_CONN_STR: 'postgres://u:pw@db/state',
    }).terraform.backend;
    expect(backend).toEqual({ pg: { schema_name: 'cluster_solo' } });
  });

  it('uses an S3-compatible store with a key per stack and lock files', () => {
    const backend = synthCluster(inventory, 'solo', {
      INFRA_BACKEND: 's3',
      INFRA_S3_BUCKET: 'tfstate',
      INFRA_S3_ENDPOINT: 'https://rgw.example.org',
    }).terraform.backend;
    expect(backend.s3).toMatchObject({
      bucket: 'tfstate',
      key: 'cluster-solo/terraform.tfstate',
      use_lockfile: true,
      endpoints: { s3: 'https://rgw.example.org' },
      use_path_style: true,
    });
  });

  it('refuses an unknown backend and an S3 backend without a bucket', () => {
    expect(() => synthCluster(inventory, 'solo', { INFRA_BACKEND: 'consul' })).toThrow(
      /expected local, pg or s3/,
    );
    expect(() => synthCluster(inventory, 'solo', { INFRA_BACKEND: 's3' })).toThrow(/INFRA_S3_BUCKET/);
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

describe('VM firewalls', () => {
  it("open on the Proxmox side exactly the VM's own inbound rules, plus ping, on every VM of the example", () => {
    const inventory = exampleInventory();
    const model = deriveModel(inventory);
    for (const cluster of inventory.clusters) {
      const json = synthCluster(inventory, cluster.name);
      for (const vm of inventory.vms.filter((v) => v.cluster === cluster.name)) {
        const rules = json.resource.proxmox_virtual_environment_firewall_rules![vm.name]!.rule as {
          proto: string;
          dport?: string;
          source?: string;
        }[];
        // The Proxmox firewall writes a range FROM:TO.
        const expected = factsOf(model, vm).firewall.map(
          (r) => `${r.proto} ${proxmoxPorts(r.dport)} ${r.source?.text ?? 'any'}`,
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
    const inventory = fixtureInventory();
    const rules = synthCluster(inventory, 'ceph').resource.proxmox_virtual_environment_firewall_rules!.db1!
      .rule as { dport?: string; source?: string }[];
    // git, the replica db2 and matrix, each on its public and internal address.
    expect(rules.filter((r) => r.dport === '5432').map((r) => r.source)).toEqual([
      '2001:db8:1::c/128',
      '2001:db8:5::c/128',
      '2001:db8:1::f/128',
      '2001:db8:5::f/128',
      '2001:db8:1::13/128',
      '2001:db8:5::13/128',
    ]);
  });
});
