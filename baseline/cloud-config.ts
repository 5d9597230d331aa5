// Renders a VM's cloud-config (the user data of its cloud-init snippet) from the inventory: the Debian baseline
// composed of typed parts, in a stable key order, so the same inventory always gives the same bytes.
import { Document, isSeq, stringify } from 'yaml';
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { type ServiceInstance, serviceInstances } from '../services/instances.ts';
import { backupPart, backupPlan } from './backup.ts';
import { firewallPart, vmFirewallRules } from './firewall.ts';
import { monitoringPart } from './monitoring.ts';
import { fqdn } from '../inventory/names.ts';
import { rebootSchedule } from '../inventory/reboots.ts';
import type { CloudUser, Command, Part } from './parts.ts';
import { journaldPart, securityPart } from './security.ts';
import { servicesPart } from './services.ts';
import { upgradesPart } from './upgrades.ts';

export { fqdn } from '../inventory/names.ts';

/** Packages every Debian VM gets, whatever it runs. */
export const BASE_PACKAGES = [
  'qemu-guest-agent',
  'ca-certificates',
  'curl',
  'gnupg',
  'less',
  'vim-tiny',
  'htop',
  'rsync',
  'tmux',
] as const;

/** What a Debian VM's cloud-config is made of, part by part; exported for tests and the docs. */
export function baselineParts(
  inventory: Inventory,
  vm: Vm,
  instances: readonly ServiceInstance[] = serviceInstances(inventory),
  rebootTime: string = rebootSchedule(inventory).times.get(vm.name) ?? '04:00',
): Part[] {
  const rules = vmFirewallRules(inventory, vm, instances);
  const containers = instances.some((i) => i.vm.name === vm.name && i.def.containers);
  const parts: Part[] = [
    { name: 'base: packages, qemu-guest-agent', packages: BASE_PACKAGES },
    securityPart(inventory, vm),
    firewallPart(rules, containers),
    journaldPart(vm),
    upgradesPart(inventory, vm, rebootTime),
    monitoringPart(inventory, vm),
  ];
  const services = servicesPart(vm, instances);
  if (services) parts.push(services);
  const plan = backupPlan(inventory, vm, instances);
  if (plan) parts.push(backupPart(inventory, vm, plan));
  parts.push({
    name: 'guest agent',
    runcmd: [['systemctl', 'enable', '--now', 'qemu-guest-agent']],
  });
  return parts;
}

function adminUser(inventory: Inventory): CloudUser {
  const { admin } = inventory.org;
  return {
    name: admin.user,
    gecos: 'Bootstrap administrator',
    groups: [admin.group, 'sudo'],
    shell: '/bin/bash',
    sudo: 'ALL=(ALL) NOPASSWD:ALL',
    lock_passwd: true,
    ssh_authorized_keys: [...admin.keys],
  };
}

function userEntry(u: CloudUser): Record<string, unknown> {
  // One key order for every user, whatever order the part wrote them in.
  const out: Record<string, unknown> = { name: u.name };
  if (u.gecos) out.gecos = u.gecos;
  if (u.system) out.system = true;
  if (u.homedir) out.homedir = u.homedir;
  if (u.groups && u.groups.length > 0) out.groups = [...u.groups];
  out.shell = u.shell;
  if (u.sudo) out.sudo = u.sudo;
  out.lock_passwd = true;
  if (u.ssh_authorized_keys && u.ssh_authorized_keys.length > 0)
    out.ssh_authorized_keys = [...u.ssh_authorized_keys];
  return out;
}

/** YAML for people: one line per command and for short lists, blocks for everything else. */
function toYaml(config: Record<string, unknown>): string {
  const doc = new Document(config);
  const runcmd = doc.get('runcmd', true);
  if (isSeq(runcmd)) for (const item of runcmd.items) if (isSeq(item)) item.flow = true;
  for (const key of ['groups', 'ssh_genkeytypes']) {
    const node = doc.get(key, true);
    if (isSeq(node)) node.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}

function header(lines: readonly string[]): string {
  return `#cloud-config\n${lines.map((l) => `# ${l}`).join('\n')}\n`;
}

/**
 * The `#cloud-config` document for one VM. Debian VMs get the whole baseline; `os: other` VMs get no
 * Debian baseline (their packages, firewall and upgrades are not Debian's), only their name and the
 * bootstrap admin, and rely on the Proxmox firewall.
 */
export function renderCloudConfig(inventory: Inventory, vm: Vm): string {
  const identity = {
    hostname: vm.name,
    fqdn: fqdn(inventory, vm),
    prefer_fqdn_over_hostname: true,
    manage_etc_hosts: true,
    timezone: inventory.org.timezone,
  };
  if (vm.os === 'other') {
    const config = {
      ...identity,
      users: [userEntry(adminUser(inventory))],
      ssh_pwauth: false,
      disable_root: true,
    };
    return `${header([`${identity.fqdn}: os "other", so no Debian baseline: name and bootstrap admin only.`])}${stringify(config, { lineWidth: 0 })}`;
  }

  const parts = baselineParts(inventory, vm);
  const groups = [...new Set(parts.flatMap((p) => p.groups ?? []))];
  const users = [adminUser(inventory), ...parts.flatMap((p) => p.users ?? [])];
  const packages = [...new Set(parts.flatMap((p) => p.packages ?? []))].sort();
  const files = parts.flatMap((p) => p.files ?? []);
  const runcmd: Command[] = parts.flatMap((p) => p.runcmd ?? []);
  const config = {
    ...identity,
    locale: inventory.org.locale,
    ntp: { enabled: true, ntp_client: 'chrony' },
    groups,
    users: users.map(userEntry),
    ssh_pwauth: false,
    disable_root: true,
    ssh_deletekeys: true,
    ssh_genkeytypes: ['ed25519', 'ecdsa', 'rsa'],
    package_update: true,
    package_upgrade: true,
    packages,
    write_files: files.map((f) => ({
      path: f.path,
      content: f.content,
      ...(f.owner ? { owner: f.owner } : {}),
      permissions: f.permissions ?? '0644',
      ...(f.defer ? { defer: true } : {}),
    })),
    runcmd: runcmd.map((c) => [...c]),
  };
  const lines = [
    `${identity.fqdn}: Debian baseline (${vm.os}), made of:`,
    ...parts.map((p) => `- ${p.name}`),
  ];
  return `${header(lines)}${toYaml(config)}`;
}
