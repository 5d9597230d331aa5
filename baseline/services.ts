// The services part of a VM's cloud-config: their Debian packages, upstream repositories, files and commands.
import type { Vm } from '../inventory/vms.schema.ts';
import type { ServiceInstance } from '../services/instances.ts';
import type { UpstreamRepo } from '../services/types.ts';
import { codename } from '../inventory/names.ts';
import { type Command, generated, type Part, sh } from './parts.ts';

/** Where upstream sources files wait until their key is in place (apt would fail on a source without its key). */
const STAGED_SOURCES = '/usr/local/share/baseline/apt';

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

export function servicesPart(vm: Vm, instances: readonly ServiceInstance[]): Part | undefined {
  const own = instances.filter((i) => i.vm.name === vm.name);
  if (own.length === 0 && vm.extra_packages.length === 0) return undefined;
  const packages = own.flatMap((i) => i.def.packages);
  const files = own.flatMap((i) => i.def.cloudInit?.(i.ctx).files ?? []);
  const before: Command[] = own.flatMap((i) => i.def.cloudInit?.(i.ctx).before ?? []);
  const after: Command[] = own.flatMap((i) => i.def.cloudInit?.(i.ctx).runcmd ?? []);

  const repos = new Map<string, UpstreamRepo>();
  for (const i of own) if (i.def.upstream) repos.set(i.def.upstream.id, i.def.upstream);
  const upstream: Command[] = [];
  const upstreamPackages = new Set<string>();
  for (const repo of repos.values()) {
    files.push({
      path: `${STAGED_SOURCES}/${repo.id}.sources`,
      content: sourcesFile(repo, vm),
      permissions: '0644',
    });
    upstream.push(
      ['install', '-d', '-m', '0755', '/etc/apt/keyrings'],
      [
        'curl',
        '--fail',
        '--silent',
        '--show-error',
        '--proto',
        '=https',
        '--output',
        `/etc/apt/keyrings/${repo.id}.${repo.keyFormat}`,
        repo.keyUrl,
      ],
      [
        'install',
        '-m',
        '0644',
        `${STAGED_SOURCES}/${repo.id}.sources`,
        `/etc/apt/sources.list.d/${repo.id}.sources`,
      ],
    );
    for (const p of repo.packages) upstreamPackages.add(p);
  }
  if (upstreamPackages.size > 0) {
    upstream.push(
      ['apt-get', 'update'],
      sh(`DEBIAN_FRONTEND=noninteractive apt-get install --yes ${[...upstreamPackages].join(' ')}`),
    );
  }
  return {
    name: `services: ${own.map((i) => i.kind).join(', ')}`,
    packages: [...packages, ...vm.extra_packages],
    services: own.flatMap((i) => i.def.units ?? []),
    files,
    runcmd: [...before, ...upstream, ...after],
  };
}
