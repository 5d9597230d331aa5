// Renders a VM's cloud-config (the user data of its cloud-init snippet) from the inventory: the Debian baseline
// composed of typed parts, in a stable key order, so the same inventory always gives the same bytes.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import type { CloudUser } from './parts.ts';
import { adminUser, firstBootModel, type PartsOf, type VmModel } from './vm-model.ts';
import { emitPlainYaml, FlowList } from './yaml-text.ts';

/** How a cloud-config's data becomes YAML: emitPlainYaml, or the yaml library's libraryPlainText in a test. */
export type PlainText = (contents: Readonly<Record<string, unknown>>) => string;

export { fqdn } from '../inventory/names.ts';
export { BASE_PACKAGES, baselineParts } from './vm-model.ts';

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

function header(lines: readonly string[]): string {
  return `#cloud-config\n${lines.map((l) => `# ${l}`).join('\n')}\n`;
}

/**
 * The `#cloud-config` document for one VM. Debian VMs get the whole baseline; `os: other` VMs get no
 * Debian baseline (their packages, firewall and upgrades are not Debian's), only their name and the
 * bootstrap admin, and rely on the Proxmox firewall. `partsOf` gives a Debian VM's parts when the caller
 * worked them out already (@default baselineParts); `text` writes the YAML (@default emitPlainYaml).
 */
export function renderCloudConfig(
  model: Model,
  vm: Vm,
  partsOf?: PartsOf,
  text: PlainText = emitPlainYaml,
): string {
  const { inventory } = model;
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
    return `${header([`${identity.fqdn}: os "other", so no Debian baseline: name and bootstrap admin only.`])}${text(config)}`;
  }

  return renderFirstBoot(firstBootModel(model, vm, partsOf), text);
}

/**
 * The cloud-config of a Debian VM's model: YAML for people, one line per command and for short lists (flow
 * lists), blocks for everything else.
 */
export function renderFirstBoot(model: VmModel, text: PlainText = emitPlainYaml): string {
  const config = {
    hostname: model.name,
    fqdn: model.fqdn,
    prefer_fqdn_over_hostname: true,
    manage_etc_hosts: true,
    timezone: model.timezone,
    locale: model.locale,
    ntp: { enabled: true, ntp_client: 'chrony' },
    groups: new FlowList(model.groups),
    users: model.users.map(userEntry),
    ssh_pwauth: false,
    disable_root: true,
    ssh_deletekeys: true,
    ssh_genkeytypes: new FlowList(['ed25519', 'ecdsa', 'rsa']),
    package_update: true,
    package_upgrade: true,
    packages: model.packages,
    write_files: model.files.map((f) => ({
      path: f.path,
      content: f.content,
      ...(f.owner ? { owner: f.owner } : {}),
      permissions: f.permissions ?? '0644',
      ...(f.defer ? { defer: true } : {}),
    })),
    runcmd: model.runcmd.map((c) => new FlowList([...c])),
  };
  const lines = [
    `${model.fqdn}: Debian baseline (${model.os}), made of:`,
    ...model.partNames.map((p) => `- ${p}`),
  ];
  return `${header(lines)}${text(config)}`;
}
