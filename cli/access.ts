// `npm run access -- --user alice` / `-- --vm gitea`: who can do what where, from members.yaml and roles.yaml.
import { loadInventory } from '../model/load.ts';
import { accountsOn, memberAccess } from '../members/access.ts';
import { forgeLogin } from '../members/forge.ts';
import { proxmoxGrantsOn } from '../members/proxmox-grants.ts';
import { commonOptions, TODAY_OPTION } from './args.ts';
import { inventorySummary, printFindings } from './report.ts';

const options = commonOptions(process.argv.slice(2), {
  name: 'access',
  summary:
    "Who can do what where, from members.yaml and roles.yaml: one member's access, or everyone with access to one VM.",
  options: {
    user: { type: 'string', arg: 'USER', help: 'the member to show (this or --vm)' },
    vm: { type: 'string', arg: 'VM', help: 'the VM to show (this or --user)' },
    today: TODAY_OPTION,
  },
  example: 'npm run access -- --user alice',
  exits: ['printed', 'the inventory does not load, or no such member or VM'],
});
const { user, vm } = options.values;
if ((typeof user === 'string') === (typeof vm === 'string')) {
  process.stderr.write('usage: npm run access -- --user USER | --vm VM [--inventory DIR] [--json]\n');
  process.exit(2);
}
const loaded = loadInventory(
  options.inventory,
  typeof options.values.today === 'string' ? { today: options.values.today } : {},
);
if (!loaded.inventory) {
  printFindings(loaded, (line) => process.stderr.write(`${line}\n`));
  process.stderr.write(`${inventorySummary(loaded)}\n`);
  process.exit(1);
}
const inventory = loaded.inventory;
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

if (typeof user === 'string') {
  const member = inventory.members.find((m) => m.user === user);
  if (!member) {
    process.stderr.write(
      `access: "${user}" is not in members.yaml; members are ${inventory.members.map((m) => m.user).join(', ')}\n`,
    );
    process.exit(1);
  }
  const access = memberAccess(inventory, member);
  if (options.json) {
    out(JSON.stringify(access, null, 2));
  } else {
    out(
      `${member.user} (${member.name}), roles ${access.roles.join(', ')}${access.until ? `, until ${access.until}` : ''}`,
    );
    const sudo = access.ssh.filter((g) => g.sudo).map((g) => g.vm);
    const plain = access.ssh.filter((g) => !g.sudo).map((g) => g.vm);
    out(`  SSH with sudo (${sudo.length}): ${sudo.join(', ') || '–'}`);
    out(`  SSH without sudo (${plain.length}): ${plain.join(', ') || '–'}`);
    if (access.proxmox.length > 0) out(`  Proxmox user ${member.user}@${inventory.org.proxmox.realm}`);
    for (const p of access.proxmox) out(`  Proxmox ${p.role} on ${p.path}: ${p.clusters.join(', ')}`);
    if (access.proxmox.length === 0) out('  Proxmox: –');
    const forge = inventory.org.forge;
    const login =
      forge && access.forgeTeams.length > 0
        ? ` (login ${forgeLogin(member)} on ${forge.kind} organisation ${forge.organisation})`
        : '';
    out(`  forge teams: ${access.forgeTeams.join(', ') || '–'}${login}`);
    out(`  on call: ${access.oncall ? 'yes' : 'no'}`);
  }
} else {
  const target = inventory.vms.find((v) => v.name === vm);
  if (!target) {
    process.stderr.write(`access: there is no VM "${String(vm)}" in vms.yaml\n`);
    process.exit(1);
  }
  const accounts = accountsOn(inventory, target);
  const grants = proxmoxGrantsOn(inventory, target);
  if (options.json) {
    out(
      JSON.stringify(
        {
          vm: target.name,
          ssh: accounts.map((a) => ({ user: a.member.user, sudo: a.sudo })),
          proxmox: grants,
        },
        null,
        2,
      ),
    );
  } else {
    out(`${target.name} (cluster ${target.cluster}, id ${target.id})`);
    if (target.os === 'other') out('  SSH: os "other": no member accounts, bootstrap admin only');
    else {
      out(
        `  SSH with sudo: ${
          accounts
            .filter((a) => a.sudo)
            .map((a) => a.member.user)
            .join(', ') || '–'
        }`,
      );
      out(
        `  SSH without sudo: ${
          accounts
            .filter((a) => !a.sudo)
            .map((a) => a.member.user)
            .join(', ') || '–'
        }`,
      );
    }
    for (const g of grants) out(`  Proxmox ${g.role} on ${g.path}: ${g.users.join(', ')}`);
  }
}
