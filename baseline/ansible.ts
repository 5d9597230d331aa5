// Renders a VM's model as an Ansible playbook (and the inventory of all VMs): what keeps running VMs converged.
//
// Builtin modules only, every task named, reloads through handlers. Convergence by removal: the playbook
// writes whole files, never lines, and records the files it manages on the VM, so a file the inventory no
// longer produces (a removed service, a removed virtual host) is deleted on the next run.
import { Document } from 'yaml';
import { literal, type Task } from './ansible-text.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { vmSite } from '../services/instances.ts';
import { MEMBERS_GROUP } from './members.ts';
import { GENERATED_NOTE, type Reload, type ReleaseRestart } from './parts.ts';
import { releaseTasks } from './release-tasks.ts';
import type { VmModel } from './vm-model.ts';

/** The list of files the last run wrote, kept on the VM so the next run can delete what it no longer writes. */
export const MANAGED_FILES = '/var/lib/infra-converge/managed-files';
/** systemd creates it when it boots as PID 1 (sd_booted); absent in a chroot or an image build. */
const SYSTEMD_BOOTED = '/run/systemd/system';

/** What each handler does; `reload systemd` and the restarts only where systemd runs (not in a chroot). */
function handlers(used: ReadonlySet<Reload>): Task[] {
  const service = (name: string, unit: string, state: string): Task => ({
    name,
    'ansible.builtin.systemd_service': { name: unit, state },
  });
  // Files notify what they need (`reload ssh`); each handler listens for it under its own task name.
  const all: Record<Exclude<Reload, ReleaseRestart>, Task[]> = {
    'reload ssh': [service('Reload ssh', 'ssh', 'reloaded')],
    // nft -c already checked the file before it replaced the old one; reloading swaps the table atomically.
    'reload nftables': [service('Reload nftables', 'nftables', 'reloaded')],
    'restart journald': [service('Restart journald', 'systemd-journald', 'restarted')],
    'reload systemd': [
      {
        name: 'Reload systemd',
        'ansible.builtin.systemd_service': { daemon_reload: true },
        when: 'infra_systemd_booted.stat.exists',
      },
    ],
    'restart fail2ban': [service('Restart fail2ban', 'fail2ban', 'restarted')],
    'reload nginx': [
      {
        name: 'Test the nginx configuration',
        'ansible.builtin.command': { argv: ['/usr/sbin/nginx', '-t'] },
        changed_when: false,
        listen: 'reload nginx',
      },
      { ...service('Reload nginx service', 'nginx', 'reloaded'), listen: 'reload nginx' },
    ],
    'reload postgresql': [service('Reload postgresql', 'postgresql', 'reloaded')],
    'restart postgresql': [service('Restart postgresql', 'postgresql', 'restarted')],
    'reload knot': [service('Reload knot', 'knot', 'reloaded')],
    'reload prosody': [service('Reload prosody', 'prosody', 'reloaded')],
    'refresh apt lists': [
      { name: 'Refresh the package lists', 'ansible.builtin.apt': { update_cache: true } },
    ],
  };
  const order = Object.keys(all) as (keyof typeof all)[];
  const fixed = order
    .filter((r) => used.has(r))
    .flatMap((r) => all[r].map((task) => ({ ...task, listen: r })));
  // After `reload systemd`, so a new unit file is read before its service restarts.
  const restarts = [...used]
    .filter((r): r is ReleaseRestart => r.startsWith('restart release '))
    .sort()
    .map((r) => ({
      name: `Restart ${r.slice('restart release '.length)}`,
      'ansible.builtin.systemd_service': { name: r.slice('restart release '.length), state: 'restarted' },
      when: 'infra_systemd_booted.stat.exists',
      listen: r,
    }));
  return [...fixed, ...restarts];
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function homeOf(user: VmModel['users'][number]): string {
  return user.homedir ?? `/home/${user.name}`;
}

/** Groups, users (with exactly their groups) and their SSH keys. */
function userTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  if (model.groups.length > 0) {
    tasks.push({
      name: 'Groups',
      'ansible.builtin.group': { name: '{{ item }}', state: 'present' },
      loop: model.groups.map(literal),
    });
  }
  for (const user of model.users) {
    tasks.push({
      name: `User ${user.name}`,
      'ansible.builtin.user': {
        name: user.name,
        ...(user.gecos ? { comment: user.gecos } : {}),
        ...(user.system ? { system: true } : {}),
        home: homeOf(user),
        // Exactly these groups: a group taken out of the model is taken from the user.
        groups: [...(user.groups ?? [])].join(','),
        append: false,
        shell: user.shell,
        password_lock: true,
      },
    });
    if (user.ssh_authorized_keys && user.ssh_authorized_keys.length > 0) {
      tasks.push(
        {
          name: `SSH directory of ${user.name}`,
          'ansible.builtin.file': {
            path: `${homeOf(user)}/.ssh`,
            state: 'directory',
            owner: user.name,
            mode: '0700',
          },
        },
        {
          // The whole file: a key taken out of the inventory is taken off the VM.
          name: `SSH keys of ${user.name}`,
          'ansible.builtin.copy': {
            dest: `${homeOf(user)}/.ssh/authorized_keys`,
            content: literal(`${user.ssh_authorized_keys.join('\n')}\n`),
            owner: user.name,
            mode: '0600',
          },
        },
      );
    }
  }
  tasks.push(...offboardTasks(model));
  return tasks;
}

/** The Debian packages. */
function packageTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  if (model.packages.length > 0) {
    tasks.push({
      name: 'Debian packages',
      'ansible.builtin.apt': {
        name: [...model.packages],
        state: 'present',
        update_cache: true,
        cache_valid_time: 3600,
      },
    });
  }
  return tasks;
}

/**
 * Upstream repositories after the Debian packages: the key (fetched once, when missing), the sources file
 * (whose change notifies a refresh of the package lists, run at once), then their packages.
 */
function repositoryTasks(model: VmModel): Task[] {
  if (model.repositories.length === 0) return [];
  const files = new Map(model.files.map((f) => [f.path, f]));
  const tasks: Task[] = [
    {
      name: 'Directory of the upstream keyrings',
      'ansible.builtin.file': { path: '/etc/apt/keyrings', state: 'directory', mode: '0755' },
    },
  ];
  for (const repo of model.repositories) {
    tasks.push(
      {
        name: `Key of ${repo.sources}`,
        'ansible.builtin.get_url': { url: repo.keyUrl, dest: repo.keyring, mode: '0644', force: false },
      },
      fileTask(files.get(repo.sources)!),
    );
  }
  tasks.push(
    // A changed sources file notified the refresh of the package lists; it must run before the install.
    {
      name: 'Refresh the package lists now if a sources file changed',
      'ansible.builtin.meta': 'flush_handlers',
    },
    {
      name: 'Packages from the upstream repositories',
      'ansible.builtin.apt': {
        name: [...new Set(model.repositories.flatMap((r) => r.packages))].sort(),
        state: 'present',
      },
    },
  );
  return tasks;
}

/** The directories the model names, and the parents its files need. */
function directoryTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  const explicit = new Set(model.directories.map((d) => d.path));
  const parents = [...new Set(model.files.map((f) => parentOf(f.path)))]
    .filter((d) => !explicit.has(d))
    .sort();
  if (parents.length > 0) {
    tasks.push({
      name: 'Directories the files go in',
      'ansible.builtin.file': { path: '{{ item }}', state: 'directory', mode: '0755' },
      loop: parents,
    });
  }
  for (const dir of model.directories) {
    const [owner, group] = (dir.owner ?? 'root:root').split(':');
    tasks.push({
      name: `Directory ${dir.path}`,
      'ansible.builtin.file': {
        path: dir.path,
        state: 'directory',
        owner,
        group: group ?? owner,
        mode: dir.mode,
      },
    });
  }
  return tasks;
}

/** One whole file, checked first when it has a check, notifying what must follow a change. */
function fileTask(file: VmModel['files'][number]): Task {
  const [owner, group] = (file.owner ?? 'root:root').split(':');
  return {
    name: `File ${file.path}`,
    'ansible.builtin.copy': {
      dest: file.path,
      content: literal(file.content),
      owner,
      group: group ?? owner,
      mode: file.permissions ?? '0644',
      ...(file.validate ? { validate: file.validate } : {}),
    },
    ...(file.reload ? { notify: file.reload } : {}),
  };
}

/** Whole files, commands run once, and the units to enable. */
function fileTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  const sources = new Set(model.repositories.map((r) => r.sources));
  for (const file of model.files) if (!sources.has(file.path)) tasks.push(fileTask(file));
  for (const once of model.once) {
    tasks.push({
      name: once.name,
      'ansible.builtin.command': { argv: [...once.argv], creates: once.creates },
    });
  }
  if (model.services.length > 0) {
    // One task over the units: a task costs Ansible far more than an item of a loop.
    tasks.push({
      name: 'Enable the services',
      'ansible.builtin.systemd_service': { name: '{{ item }}', enabled: true },
      loop: [...model.services],
    });
  }
  return tasks;
}

/** Commands run on every converge; each reports a change exactly when it printed something. */
function commandTasks(model: VmModel): Task[] {
  return model.commands.map((command) => ({
    name: command.name,
    'ansible.builtin.command': {
      argv: [...command.argv],
      ...(command.stdin === undefined ? {} : { stdin: literal(command.stdin) }),
    },
    register: 'infra_command',
    changed_when: 'infra_command.stdout | trim | length > 0',
  }));
}

/** Deletes the files the last run managed and this one does not, then records this run's list. */
function managedFileTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  const managed = [...new Set(model.files.map((f) => f.path))].sort();
  tasks.push(
    {
      name: 'Read the files the last run managed',
      'ansible.builtin.slurp': { src: MANAGED_FILES },
      register: 'infra_managed',
      failed_when: false,
    },
    {
      name: 'Delete the files the inventory no longer produces',
      'ansible.builtin.file': { path: '{{ item }}', state: 'absent' },
      loop: literalLoop(),
      vars: { infra_now: managed },
      // What depended on a deleted file (a virtual host, a drop-in) must let go of it too.
      ...(usedReloads(model).size > 0 ? { notify: [...usedReloads(model)] } : {}),
    },
    {
      name: 'Directory of the managed-files list',
      'ansible.builtin.file': { path: parentOf(MANAGED_FILES), state: 'directory', mode: '0755' },
    },
    {
      name: 'Remember the files this run manages',
      'ansible.builtin.copy': {
        dest: MANAGED_FILES,
        content: literal(`${managed.join('\n')}\n`),
        owner: 'root',
        group: 'root',
        mode: '0644',
      },
    },
  );
  return tasks;
}

/** Day 1 of the epoch as account expiry (usermod -e 1): expired, so sshd refuses the account even with a key. */
const EXPIRED = 86_400;

/**
 * Member accounts on the VM that the model no longer has (offboarded, or no role of theirs reaches this VM
 * any more): locked, expired, out of every group but `members` (no sudo), their authorized_keys deleted.
 * Their home and files stay. cloud-init put every member account in `members`; that is how they are found.
 */
function offboardTasks(model: VmModel): Task[] {
  const keep = model.users.map((u) => u.name).sort();
  const gone = `{{ ((ansible_facts.getent_group['${MEMBERS_GROUP}'] or ['', '', ''])[2].split(',')) | select | difference(infra_keep) | list }}`;
  return [
    {
      name: `Read the members of group ${MEMBERS_GROUP}`,
      'ansible.builtin.getent': { database: 'group', key: MEMBERS_GROUP, fail_key: false },
    },
    {
      name: 'Read the accounts',
      'ansible.builtin.getent': { database: 'passwd' },
    },
    {
      name: 'Lock the accounts of members who no longer have access here',
      'ansible.builtin.user': {
        name: '{{ item }}',
        password_lock: true,
        expires: EXPIRED,
        groups: MEMBERS_GROUP,
        append: false,
      },
      loop: gone,
      vars: { infra_keep: keep },
    },
    {
      name: 'Delete the SSH keys of those accounts (their files stay)',
      'ansible.builtin.file': {
        path: '{{ ansible_facts.getent_passwd[item][4] }}/.ssh/authorized_keys',
        state: 'absent',
      },
      loop: gone,
      vars: { infra_keep: keep },
    },
  ];
}

/** The tasks that make one VM look like its model. */
export function convergeTasks(model: VmModel): Task[] {
  return [
    {
      name: 'Find out whether systemd runs (it does not in a chroot)',
      'ansible.builtin.stat': { path: SYSTEMD_BOOTED },
      register: 'infra_systemd_booted',
    },
    ...userTasks(model),
    ...packageTasks(model),
    ...repositoryTasks(model),
    ...directoryTasks(model),
    ...fileTasks(model),
    ...model.releases.flatMap(releaseTasks),
    ...commandTasks(model),
    ...managedFileTasks(model),
  ];
}

/** The previous list minus this run's; both are plain lists, the expression only compares them. */
function literalLoop(): string {
  return "{{ ((infra_managed.content | default('') | b64decode).splitlines()) | difference(infra_now) }}";
}

function usedReloads(model: VmModel): Set<Reload> {
  return new Set([
    ...model.files.flatMap((f) => (f.reload ? [f.reload] : [])),
    ...model.releases.map((r) => r.restart),
  ]);
}

/**
 * ansible-lint's settings for the generated playbooks: file contents are written as they are, so their
 * lines may be longer than a hand-written YAML line would be.
 */
const LINT_CONFIG = `# ${GENERATED_NOTE}
profile: production
skip_list:
  - yaml[line-length]
`;

/** Every file under artifacts/ansible/, by path relative to it: the inventory, one playbook per Debian VM. */
export function renderAnsible(model: Model, models: readonly VmModel[]): Map<string, string> {
  const { inventory } = model;
  const files = new Map<string, string>();
  const byName = new Map(inventory.vms.map((vm) => [vm.name, vm]));
  const vms = models.map((m) => byName.get(m.name)).filter((vm): vm is Vm => vm !== undefined);
  files.set('inventory.yml', renderInventory(model, vms));
  files.set('.ansible-lint', LINT_CONFIG);
  for (const vmModel of models) files.set(`vms/${vmModel.name}.yml`, renderPlaybook(vmModel));
  return files;
}

/** One VM's playbook: one play, its tasks, the handlers its files notify. */
export function renderPlaybook(model: VmModel): string {
  const tasks = convergeTasks(model);
  const used = usedReloads(model);
  const play = {
    name: `Converge ${model.fqdn} to the inventory`,
    hosts: model.name,
    become: true,
    gather_facts: false,
    tasks,
    ...(used.size > 0 ? { handlers: handlers(used) } : {}),
  };
  const doc = new Document([play]);
  doc.commentBefore = ` ${GENERATED_NOTE}\n ${model.fqdn}: ${model.partNames.join('; ')}`;
  return `---\n${doc.toString({ lineWidth: 0 })}`;
}

/** Group names Ansible accepts: letters, digits and underscores. */
export function groupName(prefix: string, name: string): string {
  return `${prefix}_${name.replaceAll(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The Ansible inventory: every Debian VM by its FQDN, grouped by site, cluster, service kind, anti-affinity group. */
export function renderInventory(model: Model, vms: readonly Vm[]): string {
  const { inventory, services } = model;
  const groups = new Map<string, string[]>();
  const add = (group: string, vm: string): void => {
    groups.set(group, [...(groups.get(group) ?? []), vm]);
  };
  const hosts: Record<string, { ansible_host: string }> = {};
  for (const vm of vms) {
    hosts[vm.name] = { ansible_host: `${vm.name}.${inventory.org.domain}` };
    add(groupName('site', vmSite(services, vm) ?? 'none'), vm.name);
    add(groupName('cluster', vm.cluster), vm.name);
    for (const kind of new Set(vm.services.map((s) => s.kind))) add(groupName('kind', kind), vm.name);
    if (vm.anti_affinity) add(groupName('anti_affinity', vm.anti_affinity), vm.name);
  }
  const children: Record<string, { hosts: Record<string, null> }> = {};
  for (const name of [...groups.keys()].sort())
    children[name] = { hosts: Object.fromEntries(groups.get(name)!.map((h) => [h, null])) };
  const doc = new Document({ all: { hosts, children } });
  doc.commentBefore = ` ${GENERATED_NOTE}`;
  return doc.toString({ lineWidth: 0, nullStr: '' });
}
