// The access report reviewers read (artifacts/access/access.md): who can log in where, with sudo or not, who
// holds which Proxmox role, forge team and on-call duty. It changes in the review diff whenever access changes.
import type { Inventory } from '../inventory/inventory.ts';
import {
  type Account,
  accessModel,
  accountsOn,
  hasMemberAccounts,
  type MemberAccess,
  siteOf,
} from './access.ts';

/** A table cell: pipes and line breaks would break the Markdown table. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ') || '–';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function renderAccessReport(inventory: Inventory): string {
  const model = accessModel(inventory);
  return [
    '# Access',
    '',
    'Derived from inventory/members.yaml and inventory/roles.yaml by `npm run synth`; do not edit.',
    '',
    '## Members',
    '',
    ...membersTable(model),
    '',
    '## SSH by VM',
    '',
    ...sshByVm(inventory),
    '',
    '## Proxmox',
    '',
    ...proxmoxGrants(model),
    '',
    '## Forge teams',
    '',
    ...forgeTeams(model),
    '',
    '## On call',
    '',
    model
      .filter((a) => a.oncall)
      .map((a) => a.user)
      .join(', ') || 'Nobody.',
    '',
  ].join('\n');
}

/** One row per member: roles, how many VMs they reach with and without sudo, Proxmox, forge, on call. */
function membersTable(model: readonly MemberAccess[]): string[] {
  if (model.length === 0) return ['No members: only the bootstrap admin of org.yaml can log in.'];
  return table(
    ['member', 'roles', 'SSH (sudo)', 'SSH (no sudo)', 'Proxmox', 'forge teams', 'on call', 'until'],
    model.map((a) => [
      `${a.user} (${a.name})`,
      a.roles.join(', '),
      String(a.ssh.filter((g) => g.sudo).length),
      String(a.ssh.filter((g) => !g.sudo).length),
      a.proxmox.map((p) => `${p.role} on ${p.path} (${p.clusters.join(', ')})`).join('; '),
      a.forgeTeams.join(', '),
      a.oncall ? 'yes' : 'no',
      a.until ?? '',
    ]),
  );
}

/** One row per VM, by name: who logs in with sudo and who without. */
function sshByVm(inventory: Inventory): string[] {
  const vms = [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name));
  const users = (accounts: readonly Account[], sudo: boolean): string =>
    accounts
      .filter((a) => a.sudo === sudo)
      .map((a) => a.member.user)
      .join(', ');
  return table(
    ['VM', 'site', 'with sudo', 'without sudo'],
    vms.map((vm) => {
      if (!hasMemberAccounts(vm))
        return [vm.name, siteOf(inventory, vm), `(os: other: bootstrap admin only)`, ''];
      const accounts = accountsOn(inventory, vm);
      return [vm.name, siteOf(inventory, vm), users(accounts, true), users(accounts, false)];
    }),
  );
}

/** One row per cluster, path and role, with the members holding it. */
function proxmoxGrants(model: readonly MemberAccess[]): string[] {
  const pve = new Map<string, string[]>();
  for (const a of model)
    for (const p of a.proxmox)
      for (const c of p.clusters) {
        const key = `${c}\u0000${p.path}\u0000${p.role}`;
        pve.set(key, [...(pve.get(key) ?? []), a.user]);
      }
  return table(
    ['cluster', 'path', 'role', 'members'],
    [...pve.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, users]) => [...key.split('\u0000'), users.join(', ')]),
  );
}

/** One row per forge team, with its members. */
function forgeTeams(model: readonly MemberAccess[]): string[] {
  const teams = new Map<string, string[]>();
  for (const a of model) for (const t of a.forgeTeams) teams.set(t, [...(teams.get(t) ?? []), a.user]);
  return table(
    ['team', 'members'],
    [...teams.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, users]) => [t, users.join(', ')]),
  );
}

/**
 * `keys/<user>.keys` for the accounts application behind `ssh.keys_url` (org.yaml): the keys sshd fetches at
 * login come from members.yaml too, so removing a member there empties both paths at once.
 */
export function publishedKeys(inventory: Inventory): Map<string, string> {
  const files = new Map<string, string>();
  if (!inventory.org.ssh.keys_url) return files;
  for (const m of [...inventory.members].sort((a, b) => a.user.localeCompare(b.user)))
    files.set(`keys/${m.user}.keys`, m.keys.map((k) => `${k}\n`).join(''));
  return files;
}
