// PostgreSQL on its VMs: who may connect (pg_hba.conf for the services that use it and its replicas), listening.
//
// Rendered only by the playbook: the files live in the directory of the cluster Debian's package creates,
// which does not exist yet when cloud-init writes its files.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import { dependents, hostPrefixes } from '../services/instances.ts';
import { generated, type Part } from './parts.ts';

/** The PostgreSQL major version Debian ships in the VM's release. */
export function postgresVersion(vm: Vm): number {
  return vm.os === 'debian-13' ? 17 : 15;
}

export function pgHba(model: Model, vm: Vm): string {
  const { services } = model;
  const clients = dependents(services, vm, DATABASE_KIND);
  const replicas = new Set(
    services.instances
      .filter((i) => i.kind === DATABASE_KIND && i.params.primary === vm.name)
      .map((i) => i.vm.name),
  );
  const lines = [
    '# TYPE  DATABASE     USER      ADDRESS                METHOD',
    'local   all          postgres                         peer',
    'local   all          all                              peer',
    'host    all          all       127.0.0.1/32           scram-sha-256',
    'host    all          all       ::1/128                scram-sha-256',
  ];
  for (const client of clients) {
    const database = replicas.has(client.name) ? 'replication' : 'all';
    lines.push(`# ${client.name}${replicas.has(client.name) ? ' (streaming replica)' : ''}`);
    for (const prefix of hostPrefixes(services, client))
      lines.push(`host    ${database.padEnd(12)} all       ${prefix.padEnd(22)} scram-sha-256`);
  }
  return generated('#', `${lines.join('\n')}\n`);
}

export function postgresqlPart(model: Model, vm: Vm): Part | undefined {
  if (!vm.services.some((s) => s.kind === DATABASE_KIND)) return undefined;
  const dir = `/etc/postgresql/${postgresVersion(vm)}/main`;
  return {
    name: 'postgresql: clients and replicas in pg_hba.conf, listening on every address',
    packages: ['postgresql'],
    files: [
      {
        path: `${dir}/pg_hba.conf`,
        content: pgHba(model, vm),
        permissions: '0640',
        owner: 'postgres:postgres',
        reload: 'reload postgresql',
      },
      {
        path: `${dir}/conf.d/10-listen.conf`,
        // The firewall decides who reaches the port; pg_hba.conf who may log in.
        content: generated('#', "listen_addresses = '*'\n"),
        permissions: '0644',
        owner: 'postgres:postgres',
        reload: 'restart postgresql',
      },
    ],
    services: ['postgresql'],
    convergeOnly: true,
  };
}
