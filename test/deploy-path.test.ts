// The real deploy path on the fixture organisation: SSH to the nodes, pinned images, HA VMs that may move.
import { deriveModel } from '../model/derive.ts';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import { synthClusterStack } from './helpers/cluster-stack.ts';
import { loadInventory } from '../model/load.ts';
import { diffSynthOutputs } from '../review/diff.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import { BOOT_IMAGES, bootImagesReport } from '../stacks/boot-images.ts';
import { PROXMOX_KNOWN_HOSTS, proxmoxKnownHosts, snippetStacks } from '../stacks/node-ssh.ts';
import { synthesize } from '../stacks/synth.ts';
import { TSX } from './helpers/cli.ts';

const BASE = resolve(import.meta.dirname, 'fixtures/inventory/base');
type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface StackJson {
  provider: { proxmox: Record<string, unknown>[] };
  resource: Resources;
}

function fixture(): Inventory {
  const result = loadInventory(BASE);
  if (!result.inventory) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.inventory;
}

const synthCluster = (inventory: Inventory, cluster: string): StackJson =>
  synthClusterStack<StackJson>(inventory, cluster);

const inventory = fixture();
const ceph = synthCluster(inventory, 'ceph');

describe('SSH to the nodes for snippet uploads', () => {
  it("lists every node of the cluster by its IPv6 management address in the provider's ssh block", () => {
    expect(ceph.provider.proxmox[0]!.ssh).toEqual([
      {
        node: [
          { name: 'node1', address: '2001:db8:2::11' },
          { name: 'node2', address: '2001:db8:2::12' },
          { name: 'node3', address: '2001:db8:2::13' },
        ],
      },
    ]);
    expect(synthCluster(inventory, 'solo').provider.proxmox[0]!.ssh).toEqual([
      { node: [{ name: 'solo1', address: '2001:db8:4::11' }] },
    ]);
  });

  it('names the stacks that upload snippets: those with a Debian VM', () => {
    expect(Object.keys(ceph.resource.proxmox_virtual_environment_file ?? {}).length).toBe(5);
    expect(snippetStacks(inventory)).toEqual(['cluster-ceph']);
  });

  it("pins every node's host keys in a known_hosts that OpenSSH finds each node in", () => {
    const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
    try {
      const file = join(dir, 'known_hosts');
      writeFileSync(file, proxmoxKnownHosts(inventory));
      for (const node of inventory.clusters.flatMap((c) => c.nodes)) {
        const found = spawnSync('ssh-keygen', ['-F', node.ipv6, '-f', file], { encoding: 'utf8' });
        expect(found.status, node.name).toBe(0);
        expect(found.stdout).toContain(node.host_keys[0]!.split(' ')[1]);
      }
      expect(spawnSync('ssh-keygen', ['-F', '2001:db8:2::99', '-f', file]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pinned images', () => {
  const downloads = ceph.resource.proxmox_download_file!;

  it('downloads each release once per shared storage, verified by the SHA-512 from images.yaml', () => {
    expect(downloads).toEqual({
      'debian-12-cephfs': {
        node_name: 'node1',
        datastore_id: 'cephfs',
        content_type: 'import',
        url: inventory.images['debian-12']!.url,
        file_name: 'debian-12-genericcloud-amd64-20260101-1000.qcow2',
        checksum: inventory.images['debian-12']!.sha512,
        checksum_algorithm: 'sha512',
        overwrite: false,
      },
      'debian-13-cephfs': {
        node_name: 'node1',
        datastore_id: 'cephfs',
        content_type: 'import',
        url: inventory.images['debian-13']!.url,
        file_name: 'debian-13-genericcloud-amd64-20260101-1000.qcow2',
        checksum: inventory.images['debian-13']!.sha512,
        checksum_algorithm: 'sha512',
        overwrite: false,
      },
    });
  });

  it('imports each boot disk from its release and never re-imports a running VM', () => {
    const vms = ceph.resource.proxmox_virtual_environment_vm!;
    const disk = (vm: string) => (vms[vm]!.disk as Record<string, unknown>[])[0]!;
    expect(disk('db').import_from).toBe('${proxmox_download_file.debian-13-cephfs.id}');
    expect(disk('runner').import_from).toBe('${proxmox_download_file.debian-12-cephfs.id}');
    for (const vm of Object.values(vms)) {
      expect((vm.lifecycle as { ignore_changes: string[] }).ignore_changes).toContain('disk[0].import_from');
    }
  });

  it('lists which image each Debian VM boots from', () => {
    expect(
      bootImagesReport(inventory)
        .split('\n')
        .filter((l) => !l.startsWith('#')),
    ).toEqual([
      'db ceph debian-13 debian-13-genericcloud-amd64-20260101-1000.qcow2',
      'git ceph debian-12 debian-12-genericcloud-amd64-20260101-1000.qcow2',
      'proxy1 ceph debian-12 debian-12-genericcloud-amd64-20260101-1000.qcow2',
      'proxy2 ceph debian-12 debian-12-genericcloud-amd64-20260101-1000.qcow2',
      'runner ceph debian-12 debian-12-genericcloud-amd64-20260101-1000.qcow2',
      '',
    ]);
  });
});

describe('an image bump, as the review diff shows it', () => {
  const root = mkdtempSync(join(tmpdir(), 'image-bump-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('replaces the download, names the VMs that get the new build on (re)creation, and touches no VM', async () => {
    const bumped = join(root, 'bumped');
    cpSync(BASE, bumped, { recursive: true });
    const images = readFileSync(join(bumped, 'images.yaml'), 'utf8');
    writeFileSync(
      join(bumped, 'images.yaml'),
      images
        .replace(
          'trixie/20260101-1000/debian-13-genericcloud-amd64-20260101-1000',
          'trixie/20260301-1200/debian-13-genericcloud-amd64-20260301-1200',
        )
        .replace(/sha512: 1313\w+/, `sha512: ${'ab'.repeat(64)}`),
    );
    const after = loadInventory(bumped).inventory!;
    await synthesize(deriveModel(inventory), join(root, 'before'), {});
    await synthesize(deriveModel(after), join(root, 'after'), {});
    const report = diffSynthOutputs(
      readSynthOutput(join(root, 'before')),
      readSynthOutput(join(root, 'after')),
    );

    const changes = report.stacks.flatMap((s) => s.changes.map((c) => `${s.stack} ${c.action} ${c.address}`));
    expect(changes).toEqual(['cluster-ceph replace proxmox_download_file.debian-13-cephfs']);
    expect(report.protectedDestroys).toEqual([]);

    const artifact = report.artifacts.find((a) => a.path === BOOT_IMAGES);
    const changed = (artifact?.diff?.lines ?? []).filter((l) => /^[-+][^-+]/.test(l));
    expect(changed).toEqual([
      '-db ceph debian-13 debian-13-genericcloud-amd64-20260101-1000.qcow2',
      '+db ceph debian-13 debian-13-genericcloud-amd64-20260301-1200.qcow2',
    ]);
    expect(report.artifacts.map((a) => a.path)).toEqual([BOOT_IMAGES]);
  });
});

describe('HA VMs and their node', () => {
  const vms = ceph.resource.proxmox_virtual_environment_vm!;
  const ignored = (vm: string) => (vms[vm]!.lifecycle as { ignore_changes: string[] }).ignore_changes;

  it('leaves the node of an HA VM to Proxmox HA, after creating it on the preferred node', () => {
    expect(vms.db!.node_name).toBe('node3');
    expect(ignored('db')).toContain('node_name');
    expect(ceph.resource.proxmox_harule!['db-node']).toMatchObject({ nodes: { node3: 1 }, strict: false });
  });

  it('keeps a non-HA VM on its preferred node by migrating it there', () => {
    expect(vms.runner!.node_name).toBe('node2');
    expect(vms.runner!.migrate).toBe(true);
    expect(ignored('runner')).not.toContain('node_name');
  });

  it('uploads every snippet of a shared snippets storage through one node, so a move keeps it', () => {
    const files = ceph.resource.proxmox_virtual_environment_file!;
    expect(Object.values(files).map((f) => f.node_name)).toEqual([
      'node1',
      'node1',
      'node1',
      'node1',
      'node1',
    ]);
  });

  it("addresses every VM's firewall through the node the VM is on, not the preferred node", () => {
    for (const type of [
      'proxmox_virtual_environment_firewall_options',
      'proxmox_virtual_environment_firewall_rules',
    ]) {
      for (const vm of ['db', 'runner']) {
        expect(ceph.resource[type]![vm]!.node_name, `${type}.${vm}`).toBe(
          `\${proxmox_virtual_environment_vm.${vm}.node_name}`,
        );
      }
    }
  });
});

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

describe('the known_hosts artifact against a real sshd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pinned-sshd-'));
  let sshd: ChildProcess | undefined;
  let port = 0;
  let knownHosts = '';

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    const hostKey = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim();
    // node1 gets the daemon's real key; the other nodes keep the fixture's.
    const pinned: Inventory = {
      ...inventory,
      clusters: inventory.clusters.map((c) => ({
        ...c,
        nodes: c.nodes.map((n) => (n.name === 'node1' ? { ...n, host_keys: [hostKey] } : n)),
      })),
    };
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, proxmoxKnownHosts(pinned));
    port = await freePort();
    mkdirSync('/run/sshd', { recursive: true });
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'AuthorizedKeysFile none',
        '',
      ].join('\n'),
    );
    sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      if (spawnSync('ssh-keyscan', ['-p', String(port), '127.0.0.1'], { timeout: 2000 }).status === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(() => {
    sshd?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const ssh = (alias: string) =>
    spawnSync(
      'ssh',
      [
        '-p',
        String(port),
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        `HostKeyAlias=${alias}`,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'IdentityFile=/dev/null',
        'nobody@127.0.0.1',
        'true',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );

  it('accepts the node whose pinned key the daemon holds, and refuses one whose key differs', () => {
    const right = ssh('2001:db8:2::11');
    // The host key was accepted: the login only fails later, for want of a user key.
    expect(right.stderr).toMatch(/Permission denied/);
    expect(right.stderr).not.toMatch(/Host key verification failed/);
    const wrong = ssh('2001:db8:2::12');
    expect(wrong.status).toBe(255);
    expect(wrong.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });
});

describe('synth output', () => {
  it('main.ts, the app cdktf runs, writes the same known_hosts and boot-disk list', () => {
    const out = mkdtempSync(join(tmpdir(), 'deploy-path-main-'));
    try {
      // cdktf.json runs `npx tsx main.ts`; node with tsx's loader runs the same file.
      const run = spawnSync(process.execPath, [...TSX, 'main.ts'], {
        encoding: 'utf8',
        env: { ...process.env, INFRA_INVENTORY: BASE, CDKTF_OUTDIR: out, INFRA_BACKEND: 'local' },
      });
      expect(run.status, run.stderr).toBe(0);
      expect(readFileSync(join(out, 'artifacts', PROXMOX_KNOWN_HOSTS), 'utf8')).toBe(
        proxmoxKnownHosts(inventory),
      );
      expect(readFileSync(join(out, 'artifacts', BOOT_IMAGES), 'utf8')).toBe(bootImagesReport(inventory));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it('npm run synth writes the known_hosts and boot-disk list under artifacts/', async () => {
    const out = mkdtempSync(join(tmpdir(), 'deploy-path-synth-'));
    try {
      await synthesize(deriveModel(inventory), out, {});
      expect(readFileSync(join(out, 'artifacts', PROXMOX_KNOWN_HOSTS), 'utf8')).toBe(
        proxmoxKnownHosts(inventory),
      );
      expect(readFileSync(join(out, 'artifacts', BOOT_IMAGES), 'utf8')).toBe(bootImagesReport(inventory));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
