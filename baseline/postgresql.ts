// PostgreSQL on its VMs: who may connect (pg_hba.conf for the services that use it and its replicas), listening.
//
// Rendered only by the playbook: the files live in the directory of the cluster Debian's package creates,
// which does not exist yet when cloud-init writes its files.
import type { Model } from '../model/derive.ts';
import type { Prefix } from '../inventory/net.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import { hostPrefixes } from '../services/instances.ts';
import { serviceDatabases } from './postgresql-roles.ts';
import { generated, type Part } from './parts.ts';

/** The PostgreSQL major version Debian ships in the VM's release. */
export function postgresVersion(vm: Vm): number {
  return vm.os === 'debian-13' ? 17 : 15;
}

/** The role a streaming replica connects as; its password is the primary's `replication-password` secret. */
export const REPLICATION_ROLE = 'replicator';

/**
 * Who may log in over the network: each service instance's role to its own database from its VM, each
 * replica as the replication role, all with scram-sha-256. A replica lets in its primary's clients too, so
 * a promotion needs no change here.
 */
export function pgHba(model: Model, vm: Vm): string {
  const { services } = model;
  const primary = services.vmByName.get(services.primaries.get(vm.name) ?? vm.name) ?? vm;
  // The PostgreSQL instances, VM by VM in vms.yaml order: not every instance of the organisation.
  const replicas = (services.running.get(DATABASE_KIND) ?? [])
    .flatMap((pg) => services.onVm.get(pg.name) ?? [])
    .filter((i) => i.kind === DATABASE_KIND && i.params.primary === primary.name && i.vm.name !== vm.name)
    .map((i) => i.vm);
  const lines = [
    '# TYPE  DATABASE     USER      ADDRESS                METHOD',
    'local   all          postgres                         peer',
    'local   all          all                              peer',
    'host    all          all       127.0.0.1/32           scram-sha-256',
    'host    all          all       ::1/128                scram-sha-256',
  ];
  const row = (database: string, user: string, prefix: Prefix): string =>
    `host    ${database.padEnd(12)} ${user.padEnd(9)} ${prefix.text.padEnd(22)} scram-sha-256`;
  for (const db of serviceDatabases(model, primary)) {
    lines.push(`# ${db.for}`);
    for (const prefix of hostPrefixes(services, services.vmByName.get(db.client)!))
      lines.push(row(db.name, db.user, prefix));
  }
  // The primary of a replica may connect back for replication once a promotion swapped their parts.
  for (const replica of [...replicas, ...(primary.name !== vm.name ? [primary] : [])]) {
    lines.push(`# ${replica.name} (streaming replication)`);
    for (const prefix of hostPrefixes(services, replica))
      lines.push(row('replication', REPLICATION_ROLE, prefix));
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
