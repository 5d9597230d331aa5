// The roles and databases of the services that keep their data in a PostgreSQL primary, made by the playbook.
//
// Each is made idempotently with psql's \gexec: a statement runs only when the role or database is missing
// (or owned by another role), and psql prints a command tag only for what it ran, so the task reports a
// change exactly then. Roles get LOGIN and no password: passwords are secrets, set by hand (docs/services.md).
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import { dependencyTargets } from '../services/instances.ts';
import type { DatabaseSpec } from '../services/types.ts';
import type { ConvergeCommand, Part } from './parts.ts';

/** A database of a service, and the service that wants it (for the task's name). */
export interface ServiceDatabase extends DatabaseSpec {
  readonly for: string;
}

/** The databases the services keep on this VM, by database name, in vms.yaml order. */
export function serviceDatabases(model: Model, vm: Vm): ServiceDatabase[] {
  const found = new Map<string, ServiceDatabase>();
  for (const instance of model.services.instances) {
    if (!instance.def.dependsOn.includes(DATABASE_KIND)) continue;
    if (dependencyTargets(model.services, instance, DATABASE_KIND)[0]?.name !== vm.name) continue;
    for (const db of instance.def.backup.databases ?? [])
      if (!found.has(db.name)) found.set(db.name, { ...db, for: instance.label });
  }
  return [...found.values()];
}

/** A SQL string literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The psql script that makes one role and its database, and gives the database to the role. */
export function databaseScript(db: DatabaseSpec): string {
  const role = sqlText(db.user);
  const name = sqlText(db.name);
  return [
    `SELECT format('CREATE ROLE %I LOGIN', ${role}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${role}) \\gexec`,
    `SELECT format('CREATE DATABASE %I OWNER %I', ${name}, ${role}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${name}) \\gexec`,
    `SELECT format('ALTER DATABASE %I OWNER TO %I', ${name}, ${role}) FROM pg_database WHERE datname = ${name} AND pg_get_userbyid(datdba) <> ${role} \\gexec`,
    '',
  ].join('\n');
}

function databaseCommand(db: ServiceDatabase): ConvergeCommand {
  return {
    name: `PostgreSQL role ${db.user} and database ${db.name} (${db.for})`,
    // As the postgres superuser over the local socket (peer authentication); -X ignores any ~/.psqlrc.
    argv: [
      'runuser',
      '-u',
      'postgres',
      '--',
      'psql',
      '-X',
      '-t',
      '-A',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      'postgres',
    ],
    stdin: databaseScript(db),
  };
}

/**
 * The roles and databases of the services using this VM as their PostgreSQL, or undefined when there are
 * none. Not on a streaming replica: it is read-only and receives its primary's roles by replication.
 */
export function databasesPart(model: Model, vm: Vm): Part | undefined {
  const own = model.services.instances.find((i) => i.vm.name === vm.name && i.kind === DATABASE_KIND);
  if (!own || typeof own.params.primary === 'string') return undefined;
  const databases = serviceDatabases(model, vm);
  if (databases.length === 0) return undefined;
  return {
    name: `postgresql: roles and databases of ${databases.map((d) => d.name).join(', ')}`,
    commands: databases.map(databaseCommand),
    // The server must run to take them, which it does only after first boot installed it.
    convergeOnly: true,
  };
}
