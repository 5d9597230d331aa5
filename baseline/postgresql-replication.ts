// Streaming replication between a PostgreSQL primary and its replicas (`primary:` in vms.yaml), made by the
// playbook with the store's replication password: the primary gets the replication role, a replica that is
// not one yet is cloned with pg_basebackup, whose -R writes standby.signal and the connection to the primary.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import type { ConvergeCommand, Part } from './parts.ts';
import { postgresVersion, REPLICATION_ROLE } from './postgresql.ts';
import { PSQL_AS_POSTGRES, VERIFIER_ENV } from './postgresql-roles.ts';

/** The secret holding the replication password of a primary's replicas. */
export function replicationSecret(primary: string): string {
  return `service/postgresql-${primary}/replication-password`;
}

/** On the primary: the replication role with the stored password (as its SCRAM verifier). */
export function replicationRoleCommand(primary: string): ConvergeCommand {
  const role = `'${REPLICATION_ROLE}'`;
  return {
    name: `PostgreSQL replication role ${REPLICATION_ROLE}`,
    argv: PSQL_AS_POSTGRES,
    stdin: [
      `SELECT format('CREATE ROLE %I REPLICATION LOGIN', ${role}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${role}) \\gexec`,
      `\\getenv verifier ${VERIFIER_ENV}`,
      `SELECT format('ALTER ROLE %I PASSWORD %L', ${role}, :'verifier') FROM pg_authid WHERE rolname = ${role} AND rolpassword IS DISTINCT FROM :'verifier' \\gexec`,
      '',
    ].join('\n'),
    secretEnv: { [VERIFIER_ENV]: `${replicationSecret(primary)}.scram` },
  };
}

/**
 * On a replica: unless its cluster is a standby already (standby.signal), stop it, empty its data directory,
 * clone the primary with pg_basebackup (-R: standby.signal and primary_conninfo) and start it. The password
 * arrives in PGPASSWORD; the script prints only when it made the replica, which is how the task reports a change.
 */
export function standbyScript(version: number, host: string, port = 5432): string {
  const data = `/var/lib/postgresql/${version}/main`;
  return [
    'set -eu',
    `data=${data}`,
    'test -f "$data/standby.signal" && exit 0',
    `pg_ctlcluster ${version} main stop --force 2>/dev/null || true`,
    'find "$data" -mindepth 1 -delete',
    `runuser -u postgres -- pg_basebackup --host=${host} --port=${port} --username=${REPLICATION_ROLE} --pgdata="$data" --wal-method=stream --write-recovery-conf --no-password`,
    `pg_ctlcluster ${version} main start`,
    `echo "made a streaming replica of ${host}"`,
    '',
  ].join('\n');
}

/** The replication part of a PostgreSQL VM; undefined without a store, or when it has no replica and is none. */
export function replicationPart(model: Model, vm: Vm): Part | undefined {
  if (!model.inventory.org.secrets) return undefined;
  const own = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === DATABASE_KIND);
  if (!own) return undefined;
  const primary = typeof own.params.primary === 'string' ? own.params.primary : undefined;
  if (primary !== undefined) {
    const primaryVm = model.services.vmByName.get(primary);
    if (!primaryVm) return undefined;
    return {
      name: `postgresql: streaming replica of ${primary}`,
      commands: [
        {
          name: `Streaming replica of ${primary} (pg_basebackup, once)`,
          argv: ['sh', '-c', standbyScript(postgresVersion(vm), fqdn(model.inventory, primaryVm))],
          secretEnv: { PGPASSWORD: replicationSecret(primary) },
        },
      ],
      convergeOnly: true,
    };
  }
  const hasReplicas = model.services.instances.some(
    (i) => i.kind === DATABASE_KIND && i.params.primary === vm.name,
  );
  if (!hasReplicas) return undefined;
  return {
    name: 'postgresql: the replication role',
    commands: [replicationRoleCommand(vm.name)],
    convergeOnly: true,
  };
}
