// Properties of the Debian baseline over every VM of the fixture organisation: keys-only SSH, security
// upgrades, exactly the services' ports open, the services' data in the backups, staggered reboots,
// byte-identical output. Exact values are the fixture's (test/fixtures/org).
import { portRangeText } from '../inventory/ports.ts';
import { deriveModel, factsOf } from '../model/derive.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LAST_BACKUP_FILE } from '../baseline/backup.ts';
import { BASELINE_BACKUP_PATHS } from '../model/backup-plan.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { nftablesConf } from '../baseline/firewall.ts';
import { rebootSchedule } from '../inventory/reboots.ts';
import { type Inventory } from '../inventory/inventory.ts';
import { loadInventory } from '../model/load.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { dependencyTargets, deriveServices } from '../services/instances.ts';
import { FIXTURE, vmNamed } from './helpers/inventories.ts';

interface CloudConfig {
  ssh_pwauth?: boolean;
  disable_root?: boolean;
  packages?: string[];
  users?: { name: string; ssh_authorized_keys?: string[] }[];
  write_files?: { path: string; content: string; defer?: boolean }[];
  runcmd?: string[][];
}

let inventory: Inventory;
const configs = new Map<string, CloudConfig>();
const texts = new Map<string, string>();

beforeAll(() => {
  const result = loadInventory(FIXTURE);
  expect(result.errors).toEqual([]);
  inventory = result.inventory!;
  for (const vm of inventory.vms) {
    const text = renderCloudConfig(deriveModel(inventory), vm);
    texts.set(vm.name, text);
    configs.set(vm.name, parse(text) as CloudConfig);
  }
});

const file = (vm: string, path: string): string | undefined =>
  configs.get(vm)?.write_files?.find((f) => f.path === path)?.content;
const debianVms = (): Vm[] => inventory.vms.filter((vm) => vm.os !== 'other');

describe('SSH', () => {
  it('turns password login off and root login off on every VM', () => {
    for (const vm of inventory.vms) {
      expect(configs.get(vm.name)?.ssh_pwauth, vm.name).toBe(false);
      expect(configs.get(vm.name)?.disable_root, vm.name).toBe(true);
    }
    for (const vm of debianVms()) {
      const sshd = file(vm.name, '/etc/ssh/sshd_config.d/10-baseline.conf') ?? '';
      expect(sshd, vm.name).toMatch(/^PasswordAuthentication no$/m);
      expect(sshd, vm.name).toMatch(/^KbdInteractiveAuthentication no$/m);
      expect(sshd, vm.name).toMatch(/^PermitRootLogin no$/m);
      expect(sshd, vm.name).toMatch(/^AllowGroups admins monitoring/m);
      expect(sshd, vm.name).toMatch(/^AuthorizedKeysCommand \/usr\/local\/sbin\/member-keys %u$/m);
      expect(sshd, vm.name).not.toMatch(/cbc|sha1|diffie-hellman-group1|ssh-rsa/);
    }
  });

  it('fetches member keys from the URL in org.yaml and forgets them when the server says the member is gone', () => {
    expect(file('git', '/etc/ssh/member-keys.conf')).toContain(
      'KEYS_URL=https://id.fixture.example.org/ssh/{user}.keys\n',
    );
    const script = file('git', '/usr/local/sbin/member-keys') ?? '';
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toMatch(/404\|410\) rm -f "\$cache"/);
  });

  it('uses fail2ban on Debian 12 and OpenSSH penalties on Debian 13, exempting the monitoring and jump hosts', () => {
    // git runs Debian 12, db1 Debian 13.
    expect(configs.get('git')?.packages).toContain('fail2ban');
    expect(file('git', '/etc/fail2ban/jail.d/baseline.local')).toMatch(/^backend = systemd$/m);
    expect(file('git', '/etc/fail2ban/jail.d/baseline.local')).toContain('2001:db8:3::d/128');
    const trixie = file('db1', '/etc/ssh/sshd_config.d/10-baseline.conf') ?? '';
    expect(configs.get('db1')?.packages).not.toContain('fail2ban');
    expect(trixie).toMatch(/^PerSourcePenalties /m);
    expect(trixie).toMatch(
      /^PerSourcePenaltyExemptList 2001:db8:1::e\/128,2001:db8:3::d\/128,2001:db8:3::f\/128,198\.51\.100\.13\/32$/m,
    );
    expect(trixie).toMatch(/^KexAlgorithms mlkem768x25519-sha256,/m);
    expect(file('git', '/etc/ssh/sshd_config.d/10-baseline.conf')).not.toContain('mlkem');
  });

  it('lets the monitoring key in only from the monitoring servers, and forwards TCP only on the jump host', () => {
    for (const vm of debianVms()) {
      const monitoring = configs.get(vm.name)?.users?.find((u) => u.name === 'monitoring');
      expect(monitoring?.ssh_authorized_keys?.[0], vm.name).toMatch(
        /^restrict,from="2001:db8:1::e\/128,2001:db8:3::d\/128"/,
      );
      const forwarding = vm.name === 'jump' ? 'local' : 'no';
      expect(file(vm.name, '/etc/ssh/sshd_config.d/10-baseline.conf'), vm.name).toMatch(
        new RegExp(`^AllowTcpForwarding ${forwarding}$`, 'm'),
      );
    }
  });
});

describe('automatic upgrades', () => {
  it('installs Debian security updates automatically on every Debian VM', () => {
    for (const vm of debianVms()) {
      expect(configs.get(vm.name)?.packages, vm.name).toEqual(
        expect.arrayContaining(['unattended-upgrades', 'needrestart']),
      );
      const conf = file(vm.name, '/etc/apt/apt.conf.d/52unattended-upgrades-baseline') ?? '';
      const security = '"origin=Debian,codename=${distro_codename}-security,label=Debian-Security";';
      expect(conf, vm.name).toContain(security);
      expect(conf, vm.name).toContain('#clear Unattended-Upgrade::Origins-Pattern;');
      expect(file(vm.name, '/etc/apt/apt.conf.d/20auto-upgrades'), vm.name).toContain(
        'APT::Periodic::Unattended-Upgrade "1";',
      );
    }
  });

  it('never reboots two VMs of one anti-affinity group within the spacing of each other', () => {
    const { times, problems } = rebootSchedule(inventory);
    expect(problems).toEqual([]);
    const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
    const groups = new Map<string, string[]>();
    for (const vm of inventory.vms)
      if (vm.anti_affinity) groups.set(vm.anti_affinity, [...(groups.get(vm.anti_affinity) ?? []), vm.name]);
    expect(groups.get('proxy')?.map((n) => times.get(n))).toEqual(['03:00', '03:30']);
    expect(groups.get('postgres')?.map((n) => times.get(n))).toEqual(['03:00', '03:30']);
    for (const [group, members] of groups) {
      const slots = members.map((m) => minutes(times.get(m)!)).sort((a, b) => a - b);
      for (let i = 1; i < slots.length; i++)
        expect(slots[i]! - slots[i - 1]!, group).toBeGreaterThanOrEqual(30);
    }
    for (const vm of debianVms())
      expect(file(vm.name, '/etc/apt/apt.conf.d/52unattended-upgrades-baseline'), vm.name).toContain(
        `Unattended-Upgrade::Automatic-Reboot-Time "${times.get(vm.name)}";`,
      );
  });

  it("takes a VM's own reboot window over the organisation's", () => {
    expect(rebootSchedule(inventory).times.get('mon')).toBe('12:00');
    expect(file('mon', '/etc/systemd/system/apt-daily-upgrade.timer.d/baseline.conf')).toContain(
      'OnCalendar=*-*-* 11:00:00',
    );
  });
});

describe('firewall', () => {
  it("opens each service's ports on its VM, publicly exactly when the catalog says so", () => {
    for (const i of deriveServices(inventory).instances) {
      const rules = factsOf(deriveModel(inventory), i.vm).firewall;
      for (const p of i.def.ports) {
        const dport = portRangeText(p.port);
        const matching = rules.filter((r) => r.proto === p.proto && portRangeText(r.dport) === dport);
        expect(matching.length, `${i.label} ${dport}/${p.proto}`).toBeGreaterThan(0);
        if (p.reach === 'public')
          expect(
            matching.some((r) => !r.source),
            `${i.label} ${dport}`,
          ).toBe(true);
      }
    }
  });

  it('opens nothing else to the public: every rule without a source is a public port of a service or an extra port', () => {
    const { instances } = deriveModel(inventory).services;
    for (const vm of inventory.vms) {
      const allowed = new Set<string>();
      for (const i of instances.filter((x) => x.vm.name === vm.name))
        for (const p of i.def.ports.filter((x) => x.reach === 'public'))
          allowed.add(`${p.proto}/${portRangeText(p.port)}`);
      for (const e of vm.extra_ports.filter((x) => !x.sources))
        allowed.add(`${e.proto}/${portRangeText(e.port)}`);
      for (const rule of factsOf(deriveModel(inventory), vm).firewall.filter((r) => !r.source))
        expect(allowed.has(`${rule.proto}/${portRangeText(rule.dport)}`), `${vm.name}: ${rule.proto}`).toBe(
          true,
        );
    }
  });

  it('lets SSH in only from the jump and monitoring hosts, except where sshd is the service', () => {
    for (const vm of inventory.vms) {
      const ssh = factsOf(deriveModel(inventory), vm).firewall.filter(
        (r) => r.proto === 'tcp' && r.dport.from === 22,
      );
      const open = vm.name === 'jump';
      expect(
        ssh.some((r) => !r.source),
        vm.name,
      ).toBe(open);
      if (!open && vm.name !== 'backup')
        expect(ssh.map((r) => r.source?.text).sort(), vm.name).toEqual(
          [...inventory.org.ssh.sources, ...inventory.org.monitoring!.sources].map((p) => p.text).sort(),
        );
    }
  });

  it('lets only the proxies of the site reach a proxied backend, and only its clients reach PostgreSQL', () => {
    expect(
      factsOf(deriveModel(inventory), vmNamed(inventory, 'git'))
        .firewall.filter((r) => r.dport.from === 3000)
        .map((r) => r.source?.text),
    ).toEqual(['2001:db8:1::a/128', '192.0.2.10/32', '2001:db8:1::b/128', '192.0.2.11/32']);
    expect(
      factsOf(deriveModel(inventory), vmNamed(inventory, 'db1'))
        .firewall.filter((r) => r.dport.from === 5432)
        .map((r) => r.source?.text),
    ).toEqual([
      '2001:db8:1::c/128',
      '2001:db8:5::c/128',
      '2001:db8:1::f/128',
      '2001:db8:5::f/128',
      '2001:db8:1::13/128',
      '2001:db8:5::13/128',
    ]);
  });

  it('writes the same rules into nftables, default deny, in its own table', () => {
    for (const vm of debianVms()) {
      const conf = file(vm.name, '/etc/nftables.conf') ?? '';
      expect(conf).toBe(
        // No VM of the fixture runs containers, so none forwards.
        nftablesConf(factsOf(deriveModel(inventory), vm).firewall, false),
      );
      expect(conf).toContain('type filter hook input priority filter; policy drop;');
      expect(conf).not.toMatch(/flush ruleset/);
    }
  });
});

describe('backups', () => {
  it("puts each service's backup paths and database dumps into its VM's borgmatic config", () => {
    const model = deriveModel(inventory);
    const { instances } = model.services;
    // Non-Debian VMs (os: other) get no baseline and so no borgmatic.
    for (const i of instances.filter((x) => !x.def.backup.none && x.vm.os !== 'other')) {
      const text = file(i.vm.name, '/etc/borgmatic/config.yaml');
      expect(text, i.label).toBeDefined();
      const config = parse(text!) as {
        location?: { source_directories: string[]; repositories: string[] };
        source_directories?: string[];
        hooks?: { postgresql_databases?: { name: string; hostname: string }[]; after_backup: string[] };
        postgresql_databases?: { name: string; hostname: string }[];
      };
      const paths = config.location?.source_directories ?? config.source_directories ?? [];
      for (const path of [...BASELINE_BACKUP_PATHS, ...i.def.backup.paths]) {
        const saved = paths.some((p) => path === p || path.startsWith(`${p}/`));
        expect(saved, `${i.label}: ${path} in ${paths.join(' ')}`).toBe(true);
      }
      expect(
        paths.filter((p) => paths.some((q) => p.startsWith(`${q}/`))),
        i.label,
      ).toEqual([]);
      const dumps = config.hooks?.postgresql_databases ?? config.postgresql_databases ?? [];
      for (const db of i.def.backup.databases ?? []) {
        const server = dependencyTargets(model.services, i, 'postgresql')[0]!;
        // Each instance's own database: the kind's name and the VM's (model/instance-names.ts).
        expect(dumps, i.label).toContainEqual(
          expect.objectContaining({
            name: `${db.name}_${i.vm.name.replaceAll('-', '_')}`,
            hostname: `${server.name}.fixture.example.org`,
          }),
        );
      }
    }
  });

  it('backs up every Debian VM but the repository itself, daily, marking each success for the monitoring', () => {
    const model = deriveModel(inventory);
    for (const vm of debianVms()) {
      const plan = factsOf(model, vm).backup;
      expect(plan === undefined, vm.name).toBe(vm.name === 'backup');
      if (!plan) continue;
      const text = file(vm.name, '/etc/borgmatic/config.yaml')!;
      expect(text).toContain(`ssh://borg@backup.fixture.example.org/./${vm.name}`);
      expect(text).toContain(LAST_BACKUP_FILE);
      expect(file(vm.name, '/etc/systemd/system/borgmatic.timer.d/schedule.conf')).toContain(
        'OnCalendar=*-*-* 01:00:00',
      );
      expect(configs.get(vm.name)?.runcmd).toContainEqual([
        'systemctl',
        'enable',
        '--now',
        'borgmatic.timer',
      ]);
    }
  });

  it('writes the sectioned borgmatic 1.7 format on Debian 12 and the flat one on Debian 13', () => {
    expect(parse(file('git', '/etc/borgmatic/config.yaml')!)).toHaveProperty('location.repositories');
    expect(parse(file('db1', '/etc/borgmatic/config.yaml')!)).toHaveProperty('repositories.0.path');
  });
});

describe('the cloud-config as a whole', () => {
  it('is byte-identical for the same inventory, loaded twice', () => {
    const again = loadInventory(FIXTURE).inventory!;
    for (const vm of again.vms)
      expect(renderCloudConfig(deriveModel(again), vm), vm.name).toBe(texts.get(vm.name));
  });

  it('keeps the signature the cluster stacks use and starts with #cloud-config', () => {
    for (const text of texts.values()) expect(text.startsWith('#cloud-config\n')).toBe(true);
  });

  it('adds upstream repositories only after their keys are in place, then installs from them', () => {
    const runcmd = configs.get('matrix')?.runcmd?.map((c) => c.join(' ')) ?? [];
    // Downloaded aside, then trusted (installed as the keyring) only by the fingerprint check; the fixture
    // pins none (it has no releases.yaml), so the check refuses the key and apt never trusts the source.
    const download = runcmd.findIndex((c) =>
      c.includes('/var/lib/infra-converge/apt-keys/matrix-org-unpinned.gpg https://packages.matrix.org/'),
    );
    const key = runcmd.findIndex((c) => c.includes('refusing the key of matrix-org'));
    const update = runcmd.findIndex((c) => c === 'apt-get update');
    const install = runcmd.findIndex((c) => c.includes('apt-get install --yes matrix-synapse-py3'));
    expect(download).toBeGreaterThanOrEqual(0);
    expect(key).toBeGreaterThan(download);
    expect(update).toBeGreaterThan(key);
    expect(install).toBeGreaterThan(update);
    // The sources file goes in place only after cloud-init's own package installation (deferred), so that
    // apt never meets a source without its key; the playbook writes the same file (baseline.ansible.test.ts).
    const sources = configs
      .get('matrix')
      ?.write_files?.find((f) => f.path === '/etc/apt/sources.list.d/matrix-org.sources');
    expect(sources?.defer).toBe(true);
    expect(sources?.content).toContain('Suites: bookworm');
    expect(sources?.content).toContain('Signed-By: /etc/apt/keyrings/matrix-org.gpg');
  });

  it('gives an os: other VM no Debian baseline, only its name and the bootstrap admin', () => {
    const vm = { ...vmNamed(inventory, 'git'), os: 'other' as const };
    const text = renderCloudConfig(
      deriveModel({ ...inventory, vms: inventory.vms.map((v) => (v.name === vm.name ? vm : v)) }),
      vm,
    );
    const config = parse(text) as CloudConfig & Record<string, unknown>;
    expect(text).toContain('no Debian baseline');
    expect(Object.keys(config)).toEqual([
      'hostname',
      'fqdn',
      'prefer_fqdn_over_hostname',
      'manage_etc_hosts',
      'timezone',
      'users',
      'ssh_pwauth',
      'disable_root',
    ]);
  });

  it('installs extra packages and opens extra ports and port ranges from vms.yaml', () => {
    expect(configs.get('scratch')?.packages).toContain('build-essential');
    expect(file('scratch', '/etc/nftables.conf')).toContain(
      'tcp dport 8080 ip6 saddr 2001:db8:3::f/128 accept comment "try-outs, from the jump host"',
    );
    expect(file('scratch', '/etc/nftables.conf')).toContain(
      'udp dport 10000-10100 accept comment "media try-outs"',
    );
  });
});
