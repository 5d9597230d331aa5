// Renders a VM's model as an Ansible playbook (and the inventory of all VMs): what keeps running VMs converged.
//
// Builtin modules only, every task named, reloads through handlers. Convergence by removal: the playbook
// writes whole files, never lines, and records the files it manages on the VM, so a file the inventory no
// longer produces (a removed service, a removed virtual host) is deleted on the next run.
import { literal, type Task, UNSAFE_TAG } from './ansible-text.ts';
import { type AnsibleYaml, emitAnsibleYaml, libraryNodes, libraryText, type PlainOf } from './yaml-text.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { vmSite } from '../services/instances.ts';
import { MEMBERS_GROUP } from './members.ts';
import { GENERATED_NOTE, type Reload, type ReleaseRestart } from './parts.ts';
import { keyCheckScript, STAGED_KEYS } from './apt-keys.ts';
import { releaseTasks } from './release-tasks.ts';
import type { VmModel } from './vm-model.ts';

/** The list of files the last run wrote, kept on the VM so the next run can delete what it no longer writes. */
export const MANAGED_FILES = '/var/lib/infra-converge/managed-files';
/** systemd creates it when it boots as PID 1 (sd_booted); absent in a chroot or an image build. */
const SYSTEMD_BOOTED = '/run/systemd/system';

export { UNSAFE_TAG };

/**
 * A Jinja expression the generator writes itself (`{{ item }}`, a `when:` condition): the only strings of a
 * playbook left untagged. Its text is a constant of this file; inventory text never goes into one.
 */
class Jinja {
  constructor(readonly expression: string) {}
}

const jinja = (expression: string): Jinja => new Jinja(expression);

const ITEM = jinja('{{ item }}');
const SYSTEMD_RUNS = jinja('infra_systemd_booted.stat.exists');
const COMMAND_PRINTED = jinja('infra_command.stdout | trim | length > 0');
const SECRETS_DEFINED = jinja('secrets is defined');
const AUTHORIZED_KEYS_OF_ITEM = jinja('{{ ansible_facts.getent_passwd[item][4] }}/.ssh/authorized_keys');
/** The member accounts on the VM that this run does not keep (MEMBERS_GROUP is a constant, never inventory text). */
const GONE_MEMBERS = jinja(
  `{{ ((ansible_facts.getent_group['${MEMBERS_GROUP}'] or ['', '', ''])[2].split(',')) | select | difference(infra_keep) | list }}`,
);
/** The previous list minus this run's; both are plain lists, the expression only compares them. */
const STALE_FILES = jinja(
  "{{ ((infra_managed.content | default('') | b64decode).splitlines()) | difference(infra_now) }}",
);

/** Every expression the generator writes, so a test can tell them from data. */
export const JINJA_EXPRESSIONS: ReadonlySet<string> = new Set(
  [
    ITEM,
    SYSTEMD_RUNS,
    COMMAND_PRINTED,
    SECRETS_DEFINED,
    AUTHORIZED_KEYS_OF_ITEM,
    GONE_MEMBERS,
    STALE_FILES,
  ].map((j) => j.expression),
);

/** A secretRef() in a secret file's content (parts.ts writes it; the name is a store path, never free text). */
const SECRET_REF = /\{\{ secrets\['[A-Za-z0-9/._-]+'\] \}\}/g;
const RAW_BLOCK = /\{% raw %\}[\s\S]*?\{% endraw %\}/g;

/**
 * A secret file's content as a template: its secretRef()s are the only Jinja, everything between them is
 * wrapped in `{% raw %}` so Ansible writes it as it is.
 */
function secretTemplate(content: string): Jinja {
  const raw = (text: string): string => {
    if (text.includes('{% endraw'))
      throw new Error('a secret file holds "{% endraw", which would end its raw text');
    return text === '' ? '' : `{% raw %}${text}{% endraw %}`;
  };
  let last = 0;
  let out = '';
  for (const m of content.matchAll(SECRET_REF)) {
    out += raw(content.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return jinja(out + raw(content.slice(last)));
}

/** True for a secret file's template: nothing but `{% raw %}` blocks and secretRef()s (what a test allows). */
export function isSecretTemplate(text: string): boolean {
  return (
    new RegExp(SECRET_REF.source).test(text) && text.replace(RAW_BLOCK, '').replace(SECRET_REF, '') === ''
  );
}

const jinjaText: PlainOf = (value) => (value instanceof Jinja ? value.expression : undefined);

/**
 * The one way a value reaches a generated Ansible file, as yaml library nodes: every string becomes a
 * `!unsafe` literal, except a generator's own Jinja expression. Keys stay plain: they are module and
 * parameter names of this file.
 */
export function ansibleValue(value: unknown): unknown {
  return libraryNodes(value, jinjaText);
}

/** How a generated Ansible file becomes text. */
export type AnsibleText = (file: AnsibleYaml) => string;

/** What synth uses: the fast emitter (yaml-text.ts), the same text as documentText, byte for byte. */
export const ansibleText: AnsibleText = (file) => emitAnsibleYaml(file, jinjaText);

/** The yaml library's Document (ansibleValue's nodes): the reference ansibleText is tested against. */
export const documentText: AnsibleText = (file) => libraryText(file, jinjaText);

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
        when: SYSTEMD_RUNS,
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
    // Knot reads its `server` section (where it listens) only when it starts: a reload keeps the old sockets.
    'restart knot': [service('Restart knot', 'knot', 'restarted')],
    'reload prosody': [service('Reload prosody', 'prosody', 'reloaded')],
    'reload postfix': [service('Reload postfix', 'postfix', 'reloaded')],
    'restart dovecot': [service('Restart dovecot', 'dovecot', 'restarted')],
    'reload rspamd': [service('Reload rspamd', 'rspamd', 'reloaded')],
    'restart nullmailer': [service('Restart nullmailer', 'nullmailer', 'restarted')],
    'restart mailman3': [service('Restart mailman3', 'mailman3', 'restarted')],
    'restart mailman3-web': [service('Restart mailman3-web', 'mailman3-web', 'restarted')],
    // Neither reloads its configuration file on a signal: a new one takes a restart.
    'restart coturn': [service('Restart coturn', 'coturn', 'restarted')],
    'restart mumble-server': [service('Restart mumble-server', 'mumble-server', 'restarted')],
    // A changed ApiListener (features-available/api.conf) takes a restart; the objects deploy reloads itself.
    'restart icinga2': [service('Restart icinga2', 'icinga2', 'restarted')],
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
      when: SYSTEMD_RUNS,
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
      'ansible.builtin.group': { name: ITEM, state: 'present' },
      loop: model.groups,
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
            content: `${user.ssh_authorized_keys.join('\n')}\n`,
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

/** The Debian packages, after the answers to the questions they ask when they are installed. */
function packageTasks(model: VmModel): Task[] {
  const tasks: Task[] = model.debconf.map((d) => ({
    name: `Answer ${d.question} for ${d.package}`,
    'ansible.builtin.debconf': {
      name: d.package,
      question: d.question,
      vtype: d.type,
      value: literal(d.value),
    },
  }));
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
 * Upstream repositories after the Debian packages: the key (downloaded aside once per pinned fingerprint,
 * installed for apt only when its fingerprint is the pinned one), the sources file (whose change notifies a
 * refresh of the package lists, run at once), then their packages.
 */
function repositoryTasks(model: VmModel): Task[] {
  if (model.repositories.length === 0) return [];
  const files = new Map(model.files.map((f) => [f.path, f]));
  const tasks: Task[] = [
    {
      name: 'Directory of the upstream keyrings',
      'ansible.builtin.file': { path: '/etc/apt/keyrings', state: 'directory', mode: '0755' },
    },
    {
      name: 'Directory of the downloaded upstream keys, before their check',
      'ansible.builtin.file': { path: STAGED_KEYS, state: 'directory', mode: '0755' },
    },
  ];
  for (const repo of model.repositories) {
    tasks.push(
      {
        name: `Key of ${repo.sources}`,
        'ansible.builtin.get_url': { url: repo.keyUrl, dest: repo.staged, mode: '0644', force: false },
      },
      {
        // Nothing is trusted before this: the keyring apt reads is written only after the check.
        name: `Trust the key of ${repo.sources} only with the pinned fingerprint`,
        'ansible.builtin.command': { argv: ['sh', '-c', keyCheckScript(repo)] },
        register: 'infra_command',
        changed_when: COMMAND_PRINTED,
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
      'ansible.builtin.file': { path: ITEM, state: 'directory', mode: '0755' },
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
      // A secret file is a template whose only Jinja is its secretRef()s; the rest stays {% raw %} text.
      content: file.secret ? secretTemplate(file.content) : file.content,
      owner,
      group: group ?? owner,
      mode: file.permissions ?? '0644',
      ...(file.validate ? { validate: file.validate } : {}),
    },
    ...(file.reload ? { notify: file.reload } : {}),
    ...(file.secret ? { no_log: true } : {}),
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
  const enabled = [...model.services, ...model.enabledOnly];
  if (enabled.length > 0) {
    // One task over the units: a task costs Ansible far more than an item of a loop.
    tasks.push({
      name: 'Enable the services',
      'ansible.builtin.systemd_service': { name: ITEM, enabled: true },
      loop: enabled,
    });
  }
  return tasks;
}

/**
 * Starts the services after their files, secrets and commands are in place (a daemon's first start reads
 * them; the handlers restart it for a later change). Where systemd does not run (a chroot, an image build)
 * there is nothing to start; at first boot the packages start their own daemons.
 */
function startTasks(model: VmModel): Task[] {
  if (model.services.length === 0) return [];
  return [
    {
      name: 'Start the services',
      'ansible.builtin.systemd_service': { name: ITEM, state: 'started' },
      loop: [...model.services],
      when: SYSTEMD_RUNS,
    },
  ];
}

/**
 * A value of the `secrets` dict converge hands to Ansible (keys are `[a-z0-9/.-]`, so the quoting is safe):
 * a store reference, the one Jinja a secret task holds besides the constants above.
 */
function storeValue(key: string): Jinja {
  return jinja(`{{ secrets['${key}'] }}`);
}

/** Commands run on every converge; each reports a change exactly when it printed something. */
function commandTasks(model: VmModel): Task[] {
  return model.commands.map((command) => {
    const env = Object.entries(command.secretEnv ?? {});
    return {
      name: command.name,
      'ansible.builtin.command': {
        argv: [...command.argv],
        ...(command.stdin === undefined ? {} : { stdin: command.stdin }),
      },
      ...(env.length > 0
        ? { environment: Object.fromEntries(env.map(([name, key]) => [name, storeValue(key)])), no_log: true }
        : {}),
      register: 'infra_command',
      changed_when: COMMAND_PRINTED,
    };
  });
}

/**
 * The files whose content is a secret: the playbook refuses to run without the `secrets` dict (only
 * `npm run converge` has it), makes their directories (0711: names are not secret, listing is not needed),
 * then writes each with no_log so neither value nor diff reaches the output.
 */
function secretFileTasks(model: VmModel): Task[] {
  const usesSecrets = model.secretFiles.length > 0 || model.commands.some((c) => c.secretEnv !== undefined);
  if (!usesSecrets) return [];
  const dirs = new Set<string>();
  for (const file of model.secretFiles)
    for (let dir = parentOf(file.path); dir !== '/etc'; dir = parentOf(dir)) dirs.add(dir);
  const assert: Task = {
    name: 'The secrets are at hand (npm run converge decrypts them)',
    'ansible.builtin.assert': {
      that: [SECRETS_DEFINED],
      fail_msg: 'no secrets: run the playbook through npm run converge, which decrypts the store',
      quiet: true,
    },
  };
  if (dirs.size === 0) return [assert];
  return [
    assert,
    {
      name: 'Directories of the secret files',
      'ansible.builtin.file': {
        path: ITEM,
        state: 'directory',
        owner: 'root',
        group: 'root',
        mode: '0711',
      },
      loop: [...dirs].sort(),
    },
    ...model.secretFiles.map((file) => {
      const [owner, group] = file.owner.split(':');
      return {
        name: `Secret file ${file.path}`,
        'ansible.builtin.copy': {
          dest: file.path,
          content: storeValue(file.key),
          owner,
          group: group ?? owner,
          mode: file.mode,
        },
        no_log: true,
        diff: false,
      };
    }),
  ];
}

/** Deletes the files the last run managed and this one does not, then records this run's list. */
function managedFileTasks(model: VmModel): Task[] {
  const tasks: Task[] = [];
  const managed = [...new Set([...model.files, ...model.secretFiles].map((f) => f.path))].sort();
  tasks.push(
    {
      name: 'Read the files the last run managed',
      'ansible.builtin.slurp': { src: MANAGED_FILES },
      register: 'infra_managed',
      failed_when: false,
    },
    {
      name: 'Delete the files the inventory no longer produces',
      'ansible.builtin.file': { path: ITEM, state: 'absent' },
      loop: STALE_FILES,
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
        content: `${managed.join('\n')}\n`,
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
  const gone = GONE_MEMBERS;
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
        name: ITEM,
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
        path: AUTHORIZED_KEYS_OF_ITEM,
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
    ...secretFileTasks(model),
    ...model.releases.flatMap(releaseTasks),
    ...commandTasks(model),
    ...startTasks(model),
    ...managedFileTasks(model),
  ];
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

/**
 * Every file under artifacts/ansible/, by path relative to it: the inventory, one playbook per Debian VM.
 * `text` writes each file (the reference documentText in the test that compares both).
 */
export function renderAnsible(
  model: Model,
  models: readonly VmModel[],
  text: AnsibleText = ansibleText,
): Map<string, string> {
  const files = new Map<string, string>();
  const byName = new Map(model.inventory.vms.map((vm) => [vm.name, vm]));
  const vms = models.map((m) => byName.get(m.name)).filter((vm): vm is Vm => vm !== undefined);
  eachAnsibleFile(model, vms, models, (path, content) => files.set(path, content), text);
  return files;
}

/**
 * The same files, in the same order, each handed to `sink` as soon as it is written: `models` are the
 * playbooks' VM models, of `vms` and in their order, and may be made one at a time as they are asked for.
 */
export function eachAnsibleFile(
  model: Model,
  vms: readonly Vm[],
  models: Iterable<VmModel>,
  sink: (path: string, text: string) => void,
  text: AnsibleText = ansibleText,
): void {
  sink('inventory.yml', text(inventoryYaml(model, vms)));
  sink('.ansible-lint', LINT_CONFIG);
  for (const vmModel of models) sink(`vms/${vmModel.name}.yml`, renderPlaybook(vmModel, text));
}

/** One VM's playbook: one play, its tasks, the handlers its files notify. */
export function renderPlaybook(model: VmModel, text: AnsibleText = ansibleText): string {
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
  const comment = ` ${GENERATED_NOTE}\n ${model.fqdn}: ${model.partNames.join('; ')}`;
  return `---\n${text({ contents: [play], comment })}`;
}

/** Group names Ansible accepts: letters, digits and underscores. */
export function groupName(prefix: string, name: string): string {
  return `${prefix}_${name.replaceAll(/[^A-Za-z0-9_]/g, '_')}`;
}

/** The Ansible inventory: every Debian VM by its FQDN, grouped by site, cluster, service kind, anti-affinity group. */
export function renderInventory(model: Model, vms: readonly Vm[], text: AnsibleText = ansibleText): string {
  return text(inventoryYaml(model, vms));
}

function inventoryYaml(model: Model, vms: readonly Vm[]): AnsibleYaml {
  const { inventory, services } = model;
  const groups = new Map<string, string[]>();
  const add = (group: string, vm: string): void => {
    const members = groups.get(group);
    if (members) members.push(vm);
    else groups.set(group, [vm]);
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
  return { contents: { all: { hosts, children } }, comment: ` ${GENERATED_NOTE}`, nullStr: '' };
}
