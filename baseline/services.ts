// The services part of a VM's model: their Debian packages, upstream repositories, files, accounts and commands.
import type { Vm } from '../inventory/vms.schema.ts';
import type { ServiceInstance } from '../services/instances.ts';
import type { UpstreamRepo } from '../services/types.ts';
import { codename } from '../inventory/names.ts';
import type { AptKeyPins } from '../inventory/releases.schema.ts';
import { keyRuncmd, stagedKey } from './apt-keys.ts';
import {
  type AptRepository,
  type CloudUser,
  type Command,
  generated,
  type OnceCommand,
  type Part,
  sh,
  shellWord,
  type VmDirectory,
  type VmFile,
} from './parts.ts';

function sourcesFile(repo: UpstreamRepo, vm: Vm): string {
  const lines = [
    'Types: deb',
    `URIs: ${repo.uri}`,
    `Suites: ${repo.suite.replace('{codename}', codename(vm))}`,
    ...(repo.components.length > 0 ? [`Components: ${repo.components.join(' ')}`] : []),
    `Signed-By: /etc/apt/keyrings/${repo.id}.${repo.keyFormat}`,
  ];
  return generated('#', `${lines.join('\n')}\n`);
}

/** What the kinds set up beyond packages, as model fields, and the first-boot commands that do the same. */
function setupOf(own: readonly ServiceInstance[]): Required<
  Pick<Part, 'files' | 'groups' | 'users' | 'directories' | 'once' | 'debconf'>
> & {
  before: Command[];
  after: Command[];
} {
  const setups = own.flatMap((i) => (i.def.setup ? [i.def.setup(i.ctx)] : []));
  const debconf = setups.flatMap((s) => s.debconf ?? []);
  const users: CloudUser[] = setups.flatMap((s) =>
    (s.users ?? []).map((u) => ({
      name: u.name,
      ...(u.system ? { system: true } : {}),
      homedir: u.home,
      ...(u.groups ? { groups: [...u.groups] } : {}),
      shell: u.shell,
      lock_passwd: true as const,
      ...(u.keys ? { ssh_authorized_keys: [...u.keys] } : {}),
    })),
  );
  const directories: VmDirectory[] = setups.flatMap((s) => s.directories ?? []);
  const once: OnceCommand[] = setups.flatMap((s) => s.once ?? []);
  const before: Command[] = debconf.map((d) =>
    sh(`echo ${shellWord(`${d.package} ${d.question} ${d.type} ${d.value}`)} | debconf-set-selections`),
  );
  const after: Command[] = [
    ...directories.map((d) => {
      const [owner, group] = (d.owner ?? 'root:root').split(':');
      return ['install', '-d', '-m', d.mode, '-o', owner!, '-g', group ?? owner!, d.path];
    }),
    ...once.map((o) => [...o.argv]),
  ];
  return {
    files: setups.flatMap((s) => s.files ?? []),
    groups: [...new Set(setups.flatMap((s) => s.groups ?? []))],
    users,
    directories,
    once,
    debconf,
    before,
    after,
  };
}

export function servicesPart(
  vm: Vm,
  instances: readonly ServiceInstance[],
  aptKeys: AptKeyPins = {},
): Part | undefined {
  const own = instances.filter((i) => i.vm.name === vm.name);
  if (own.length === 0 && vm.extra_packages.length === 0) return undefined;
  const packages = own.flatMap((i) => i.def.packages);
  const { before, after, files: setupFiles, ...setup } = setupOf(own);
  const files: VmFile[] = [...setupFiles];

  const repos = new Map<string, UpstreamRepo>();
  for (const i of own) if (i.def.upstream) repos.set(i.def.upstream.id, i.def.upstream);
  const repositories: AptRepository[] = [];
  const upstream: Command[] = [];
  for (const repo of repos.values()) {
    const keyring = `/etc/apt/keyrings/${repo.id}.${repo.keyFormat}`;
    const sources = `/etc/apt/sources.list.d/${repo.id}.sources`;
    // Deferred: cloud-init writes it after its own package installation, which would fail on a source
    // whose key is not there yet; runcmd fetches the key before anything runs apt again.
    files.push({
      path: sources,
      content: sourcesFile(repo, vm),
      permissions: '0644',
      defer: true,
      reload: 'refresh apt lists',
    });
    const fingerprint = aptKeys[repo.id]?.fingerprint;
    const check = {
      id: repo.id,
      staged: stagedKey(repo.id, repo.keyFormat, fingerprint),
      keyring,
      fingerprint,
    };
    repositories.push({ ...check, sources, keyUrl: repo.keyUrl, packages: repo.packages });
    upstream.push(...keyRuncmd(check, repo.keyUrl));
  }
  const upstreamPackages = [...new Set(repositories.flatMap((r) => r.packages))];
  if (upstreamPackages.length > 0) {
    upstream.push(
      ['apt-get', 'update'],
      sh(`DEBIAN_FRONTEND=noninteractive apt-get install --yes ${upstreamPackages.join(' ')}`),
    );
  }
  // Software from an upstream binary runs as a system user nothing else creates.
  const users: CloudUser[] = own
    .filter((i) => i.def.createsUser && i.def.user)
    .map((i) => ({
      name: i.def.user!,
      gecos: i.def.title,
      system: true,
      shell: '/usr/sbin/nologin',
      homedir: `/var/lib/${i.kind}`,
      lock_passwd: true,
    }));
  return {
    name: `services: ${own.map((i) => i.kind).join(', ')}`,
    packages: [...packages, ...vm.extra_packages],
    services: own.flatMap((i) => i.def.units ?? []),
    files,
    ...setup,
    // After the setup's own accounts, not replaced by them (a spread would drop the release users).
    users: [...setup.users, ...users],
    runcmd: [...before, ...upstream, ...after],
    ...(repositories.length > 0 ? { repositories } : {}),
  };
}
