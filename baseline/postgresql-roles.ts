// The roles and databases of the services that keep their data in a PostgreSQL primary, made by the playbook.
//
// Each is made idempotently with psql's \gexec: a statement runs only when the role or database is missing
// (or owned by another role, or its password differs), and psql prints a command tag only for what it ran, so
// the task reports a change exactly then. Each instance gets its own role and database (model/instance-names.ts).
// With a secrets store (org.yaml secrets), the role's password is set from it: converge hands the SCRAM verifier
// of the stored password in an environment variable (psql's \getenv), never in the script or a log.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { Model } from '../model/derive.ts';
import { type InstanceDatabase, instanceDatabases } from '../model/instance-names.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import type { DatabaseSpec } from '../services/types.ts';
import type { ConvergeCommand, Part } from './parts.ts';

/** The environment variable the role's SCRAM verifier arrives in. */
export const VERIFIER_ENV = 'INFRA_ROLE_VERIFIER';

/** The databases the service instances keep on this VM, in vms.yaml order. */
export function serviceDatabases(model: Model, vm: Vm): InstanceDatabase[] {
  // Only the VM itself and the VMs whose instances chose it for their databases (services.users) can keep one
  // here: asking every instance of the organisation for every PostgreSQL VM made synth quadratic.
  const clients = model.services.users.get(DATABASE_KIND)?.get(vm.name)?.keys() ?? [];
  return [vm.name, ...clients]
    .map((name) => model.services.onVm.get(name) ?? [])
    .filter((own) => own.length > 0)
    .sort((a, b) => a[0]!.vmIndex - b[0]!.vmIndex)
    .flat()
    .flatMap((i) => instanceDatabases(model, i))
    .filter((d) => d.server === vm.name);
}

/** A SQL string literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** CREATE DATABASE with the collation the application needs (template0: the only template that allows another). */
function createDatabase(db: DatabaseSpec, name: string, role: string): string {
  const collation = db.collation
    ? ` TEMPLATE template0 ENCODING %L LC_COLLATE %L LC_CTYPE %L', ${name}, ${role}, 'UTF8', ${sqlText(db.collation)}, ${sqlText(db.collation)}`
    : `', ${name}, ${role}`;
  return `SELECT format('CREATE DATABASE %I OWNER %I${collation}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${name}) \\gexec`;
}

/**
 * The psql script that makes one role and its database, gives the database to the role, sets the role's
 * password when `withPassword` (from the verifier in VERIFIER_ENV) and creates the extensions in the database.
 */
export function databaseScript(db: DatabaseSpec, withPassword = false): string {
  const role = sqlText(db.user);
  const name = sqlText(db.name);
  const lines = [
    `SELECT format('CREATE ROLE %I LOGIN', ${role}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${role}) \\gexec`,
    createDatabase(db, name, role),
    `SELECT format('ALTER DATABASE %I OWNER TO %I', ${name}, ${role}) FROM pg_database WHERE datname = ${name} AND pg_get_userbyid(datdba) <> ${role} \\gexec`,
  ];
  if (withPassword)
    lines.push(
      `\\getenv verifier ${VERIFIER_ENV}`,
      `SELECT format('ALTER ROLE %I PASSWORD %L', ${role}, :'verifier') FROM pg_authid WHERE rolname = ${role} AND rolpassword IS DISTINCT FROM :'verifier' \\gexec`,
    );
  if ((db.extensions ?? []).length > 0) {
    // Quietly: psql would announce the new connection, which the task would take for a change.
    lines.push('\\set QUIET on', `\\connect ${db.name}`, '\\set QUIET off');
    for (const ext of db.extensions ?? [])
      lines.push(
        `SELECT format('CREATE EXTENSION %I', ${sqlText(ext)}) WHERE NOT EXISTS (SELECT FROM pg_extension WHERE extname = ${sqlText(ext)}) \\gexec`,
      );
  }
  return [...lines, ''].join('\n');
}

/** psql as the postgres superuser over the local socket (peer authentication); -X ignores any ~/.psqlrc. */
export const PSQL_AS_POSTGRES: readonly string[] = [
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
];

function databaseCommand(db: InstanceDatabase, withPassword: boolean): ConvergeCommand {
  return {
    name: `PostgreSQL role ${db.user} and database ${db.name} (${db.for})`,
    argv: PSQL_AS_POSTGRES,
    stdin: databaseScript(db, withPassword),
    ...(withPassword ? { secretEnv: { [VERIFIER_ENV]: `${db.secret}.scram` } } : {}),
  };
}

/**
 * The roles and databases of the services using this VM as their PostgreSQL, or undefined when there are
 * none. Not on a streaming replica: it is read-only and receives its primary's roles by replication.
 */
export function databasesPart(model: Model, vm: Vm): Part | undefined {
  const own = model.services.onVm.get(vm.name)?.find((i) => i.kind === DATABASE_KIND);
  if (!own || typeof own.params.primary === 'string') return undefined;
  const databases = serviceDatabases(model, vm);
  if (databases.length === 0) return undefined;
  return {
    name: `postgresql: roles and databases of ${databases.map((d) => d.name).join(', ')}`,
    commands: databases.map((db) => databaseCommand(db, model.inventory.org.secrets !== undefined)),
    // The server must run to take them, which it does only after first boot installed it.
    convergeOnly: true,
  };
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 7677, as `ALTER ROLE … PASSWORD` accepts
 * it). The salt is derived from the password, so the same password always gives the same verifier and the
 * playbook changes the role only when the stored password changed. Passwords from the store are ASCII
 * letters and digits, which SASLprep leaves as they are.
 */
export function scramVerifier(password: string): string {
  const salt = createHmac('sha256', password).update('infra scram salt').digest().subarray(0, 16);
  const salted = pbkdf2Sync(password, salt, 4096, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$4096:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
