// The one typed model of what goes on a Debian VM; the cloud-config and the Ansible playbook both render it.
//
// To put something new on a VM (a member's account, a sudo file, a service's config file), add a Part to
// `baselineParts` below (or return more from an existing part): users, groups, files, packages, services and
// directories reach both renderers from there, and nowhere else. A part that needs more than the inventory
// (service instances, addresses, dependents, reboot turns) takes the derived model (model/derive.ts), and
// reads a VM's own facts (firewall, backup plan, site, addresses) from `factsOf(model, vm)`.
import type { Inventory } from '../inventory/inventory.ts';
import { factsOf, type Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { DebconfAnswer } from '../services/types.ts';
import { backupPart } from './backup.ts';
import { borgInitPart, borgRepoPart } from './borg.ts';
import { upstreamKindParts } from './upstream-kinds.ts';
import { type FirewallRule, firewallPart } from './firewall.ts';
import { membersPart } from './members.ts';
import { monitoringPart } from './monitoring.ts';
import { certificatesPart } from './certificates.ts';
import { coturnPart } from './coturn.ts';
import { mumblePart } from './mumble.ts';
import { knotPart } from './knot.ts';
import { proxyPart, staticSitesPart } from './nginx.ts';
import { prosodyPart } from './prosody.ts';
import { mailPart } from './mail.ts';
import { mailRelayPart } from './mail-relay.ts';
import { mailmanPart } from './mailman.ts';
import { type ReleaseInstall, releaseParts } from './releases.ts';
import { APP_KINDS, appParts } from './apps.ts';
import { postgresqlPart } from './postgresql.ts';
import { databasesPart } from './postgresql-roles.ts';
import { replicationPart } from './postgresql-replication.ts';
import { type SecretFile, secretFilesPart } from './secret-files.ts';
import { fqdn } from '../inventory/names.ts';
import type {
  AptRepository,
  CloudUser,
  Command,
  ConvergeCommand,
  OnceCommand,
  Part,
  VmDirectory,
  VmFile,
} from './parts.ts';
import { journaldPart, securityPart } from './security.ts';
import { servicesPart } from './services.ts';
import { upgradesPart } from './upgrades.ts';

export interface VmModel {
  readonly name: string;
  readonly fqdn: string;
  readonly os: Vm['os'];
  readonly timezone: string;
  readonly locale: string;
  /** Names of the parts that make it, in order: the cloud-config's header comment. */
  readonly partNames: readonly string[];
  /** Sorted, without duplicates. */
  readonly packages: readonly string[];
  readonly groups: readonly string[];
  /** The bootstrap admin first, then the users of the parts. */
  readonly users: readonly CloudUser[];
  readonly files: readonly VmFile[];
  readonly directories: readonly VmDirectory[];
  /** systemd units that must be enabled and running, without duplicates. */
  readonly services: readonly string[];
  /** systemd units that must be enabled; systemd starts them where they can run (Part.enabledOnly). */
  readonly enabledOnly: readonly string[];
  readonly once: readonly OnceCommand[];
  /** Upstream apt repositories (Synapse, Jitsi, Collabora) and their packages. */
  readonly repositories: readonly AptRepository[];
  /** What packages ask at install time, answered before the playbook installs them. */
  readonly debconf: readonly DebconfAnswer[];
  /** Upstream releases the playbook installs (baseline/releases.ts). */
  readonly releases: readonly ReleaseInstall[];
  /** What the playbook runs on every converge after the files (PostgreSQL roles and databases). */
  readonly commands: readonly ConvergeCommand[];
  /** Files whose content comes from the secrets store at converge time (the playbook only). */
  readonly secretFiles: readonly SecretFile[];
  /** The inbound rules of /etc/nftables.conf (and of the Proxmox firewall). */
  readonly firewall: readonly FirewallRule[];
  /** First-boot commands (cloud-init's runcmd); the playbook uses handlers and `once` instead. */
  readonly runcmd: readonly Command[];
}

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
export function baselineParts(model: Model, vm: Vm): Part[] {
  const { inventory } = model;
  const facts = factsOf(model, vm);
  const containers = facts.instances.some((i) => i.def.containers);
  const parts: Part[] = [
    { name: 'base: packages, qemu-guest-agent', packages: BASE_PACKAGES },
    securityPart(inventory, vm),
    firewallPart(facts.firewall, containers),
    journaldPart(vm),
    upgradesPart(inventory, vm, facts.rebootTime),
    monitoringPart(inventory, vm),
  ];
  const members = membersPart(inventory, vm);
  if (members) parts.push(members);
  const own = servicesPart(vm, facts.instances, inventory.aptKeys);
  if (own) parts.push(own);
  if (facts.backup) parts.push(backupPart(inventory, vm, facts.backup));
  if (facts.backup && inventory.org.secrets) parts.push(borgInitPart(vm));
  const borgRepo = borgRepoPart(model, vm);
  if (borgRepo) parts.push(borgRepo);
  parts.push(...upstreamKindParts(model, vm));
  const knot = knotPart(model, vm);
  if (knot) parts.push(knot);
  for (const part of [mailPart(model, vm), mailRelayPart(model, vm), mailmanPart(model, vm)])
    if (part) parts.push(part);
  const sites = staticSitesPart(vm, facts.instances);
  if (sites) parts.push(sites);
  parts.push(...releaseParts(model, vm, APP_KINDS), ...appParts(model, vm));
  const proxy = proxyPart(model, vm);
  if (proxy) parts.push(proxy);
  const certificates = certificatesPart(model, vm);
  if (certificates) parts.push(certificates);
  // After certbot's part: their certificate copies come from its deploy hook, once it obtained them.
  for (const part of [coturnPart(model, vm), mumblePart(model, vm), prosodyPart(model, vm)])
    if (part) parts.push(part);
  const postgres = postgresqlPart(model, vm);
  if (postgres) parts.push(postgres);
  const roles = databasesPart(model, vm);
  if (roles) parts.push(roles);
  const replication = replicationPart(model, vm);
  if (replication) parts.push(replication);
  const secrets = secretFilesPart(model, vm);
  if (secrets) parts.push(secrets);
  parts.push({
    // cloud-init installs chrony through its ntp module, and sudo comes with Debian's cloud image.
    name: 'time and sudo: chrony, sudo',
    packages: ['chrony', 'sudo'],
    enabledOnly: ['chrony'],
    convergeOnly: true,
  });
  parts.push({
    name: 'guest agent',
    enabledOnly: ['qemu-guest-agent'],
    runcmd: [['systemctl', 'enable', '--now', 'qemu-guest-agent']],
  });
  return parts;
}

/** The bootstrap admin cloud-init creates on every VM, and the playbook keeps. */
export function adminUser(inventory: Inventory): CloudUser {
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

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** Puts parts together; `converge` adds the parts only the playbook renders. */
export function modelFromParts(
  inventory: Inventory,
  vm: Vm,
  parts: readonly Part[],
  firewall: readonly FirewallRule[],
): VmModel {
  return {
    name: vm.name,
    fqdn: fqdn(inventory, vm),
    os: vm.os,
    timezone: inventory.org.timezone,
    locale: inventory.org.locale,
    partNames: parts.map((p) => p.name),
    packages: unique(parts.flatMap((p) => p.packages ?? [])).sort(),
    groups: unique(parts.flatMap((p) => p.groups ?? [])),
    users: [adminUser(inventory), ...parts.flatMap((p) => p.users ?? [])],
    files: parts.flatMap((p) => p.files ?? []),
    directories: parts.flatMap((p) => p.directories ?? []),
    services: unique(parts.flatMap((p) => p.services ?? [])),
    enabledOnly: unique(parts.flatMap((p) => p.enabledOnly ?? [])),
    once: parts.flatMap((p) => p.once ?? []),
    commands: parts.flatMap((p) => p.commands ?? []),
    secretFiles: parts.flatMap((p) => p.secretFiles ?? []),
    releases: parts.flatMap((p) => p.releases ?? []),
    repositories: parts.flatMap((p) => p.repositories ?? []),
    debconf: parts.flatMap((p) => p.debconf ?? []),
    firewall,
    runcmd: parts.flatMap((p) => p.runcmd ?? []),
  };
}

/** A VM's baseline parts: baselineParts, or the ones a caller worked out once for both renderings (partsOnce). */
export type PartsOf = (vm: Vm) => readonly Part[];

/**
 * baselineParts of each VM, worked out once however often they are asked for: synth renders every VM twice
 * (its cloud-config and its playbook), and the parts were a third of its work at 10x the example.
 */
export function partsOnce(model: Model): PartsOf {
  const parts = new Map<string, readonly Part[]>();
  return (vm) => {
    let own = parts.get(vm.name);
    if (!own) {
      own = baselineParts(model, vm);
      parts.set(vm.name, own);
    }
    return own;
  };
}

/** What cloud-init writes at first boot: every part but the converge-only ones, and no file made of secrets. */
export function firstBootModel(model: Model, vm: Vm, partsOf?: PartsOf): VmModel {
  const parts = (partsOf?.(vm) ?? baselineParts(model, vm)).filter((p) => !p.convergeOnly);
  const first = modelFromParts(model.inventory, vm, parts, factsOf(model, vm).firewall);
  return { ...first, files: first.files.filter((f) => !f.secret) };
}

/**
 * What the playbook keeps in place on a running VM: every part, and `more` from the layers above (the Icinga2
 * node's configuration, which monitoring/ renders: monitoring/icinga2-node.ts `vmConvergeModel`).
 */
export function convergeModel(model: Model, vm: Vm, more: readonly Part[] = [], partsOf?: PartsOf): VmModel {
  const parts = [...(partsOf?.(vm) ?? baselineParts(model, vm)), ...more];
  return modelFromParts(model.inventory, vm, parts, factsOf(model, vm).firewall);
}
