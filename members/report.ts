// The access report reviewers read (artifacts/access/access.md): who can log in where, with sudo or not, who
// holds which Proxmox role, forge team and on-call duty. It changes in the review diff whenever access changes.
import type { Inventory } from '../inventory/inventory.ts';
import { accessModel, accountsOn, hasMemberAccounts, siteOf } from './access.ts';

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
  const lines: string[] = [
    '# Access',
    '',
    'Derived from inventory/members.yaml and inventory/roles.yaml by `npm run synth`; do not edit.',
    '',
    '## Members',
    '',
  ];
  if (model.length === 0) lines.push('No members: only the bootstrap admin of org.yaml can log in.');
  else
    lines.push(
      ...table(
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
      ),
    );

  lines.push('', '## SSH by VM', '');
  const vms = [...inventory.vms].sort((a, b) => a.name.localeCompare(b.name));
  lines.push(
    ...table(
      ['VM', 'site', 'with sudo', 'without sudo'],
      vms.map((vm) => {
        if (!hasMemberAccounts(vm))
          return [vm.name, siteOf(inventory, vm), `(os: other: bootstrap admin only)`, ''];
        const accounts = accountsOn(inventory, vm);
        return [
          vm.name,
          siteOf(inventory, vm),
          accounts
            .filter((a) => a.sudo)
            .map((a) => a.member.user)
            .join(', '),
          accounts
            .filter((a) => !a.sudo)
            .map((a) => a.member.user)
            .join(', '),
        ];
      }),
    ),
  );

  lines.push('', '## Proxmox', '');
  const pve = new Map<string, string[]>();
  for (const a of model)
    for (const p of a.proxmox)
      for (const c of p.clusters) {
        const key = `${c}\u0000${p.path}\u0000${p.role}`;
        pve.set(key, [...(pve.get(key) ?? []), a.user]);
      }
  lines.push(
    ...table(
      ['cluster', 'path', 'role', 'members'],
      [...pve.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, users]) => [...key.split('\u0000'), users.join(', ')]),
    ),
  );

  lines.push('', '## Forge teams', '');
  const teams = new Map<string, string[]>();
  for (const a of model) for (const t of a.forgeTeams) teams.set(t, [...(teams.get(t) ?? []), a.user]);
  lines.push(
    ...table(
      ['team', 'members'],
      [...teams.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([t, users]) => [t, users.join(', ')]),
    ),
  );
  lines.push(
    '',
    '## On call',
    '',
    model
      .filter((a) => a.oncall)
      .map((a) => a.user)
      .join(', ') || 'Nobody.',
    '',
  );
  return lines.join('\n');
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
