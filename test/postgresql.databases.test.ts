// Each service instance's own PostgreSQL database and role, judged by a real PostgreSQL: two Nextclouds on one
// database VM get two, the role logs in over TCP with scram-sha-256 and the stored password, Synapse's database
// collates C, PeerTube's has its extensions, a second run changes nothing; and `db:` must name a primary.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgHba } from '../baseline/postgresql.ts';
import { databasesPart, databaseScript, scramVerifier, VERIFIER_ENV } from '../baseline/postgresql-roles.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { formatFinding } from '../inventory/findings.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { FIXTURE, fixtureInventory, vmNamed } from './helpers/inventories.ts';
import { POSTGRES_MISSING, type Postgres, startPostgres } from './helpers/postgres.ts';

/** The fixture organisation with a Nextcloud on git and on scratch, and a PeerTube on scratch, all on db1. */
function withTwoNextclouds(): Inventory {
  const inventory = fixtureInventory();
  const add = (name: string, services: readonly Record<string, unknown>[]) => ({
    ...vmNamed(inventory, name),
    services: [...vmNamed(inventory, name).services, ...services],
  });
  const edited = new Map([
    ['git', add('git', [{ kind: 'nextcloud', db: 'db1' }])],
    [
      'scratch',
      add('scratch', [
        { kind: 'nextcloud', db: 'db1' },
        { kind: 'peertube', db: 'db1' },
      ]),
    ],
  ]);
  return {
    ...inventory,
    org: { ...inventory.org, secrets: { deploy_key: inventory.org.admin.keys[0]! } },
    vms: inventory.vms.map((vm) => (edited.get(vm.name) ?? vm) as typeof vm),
  };
}

describe('databases of service instances', () => {
  const model = deriveModel(withTwoNextclouds());
  const db1 = vmNamed(model.inventory, 'db1');

  it('gives two Nextclouds on one database VM two databases and two roles', () => {
    expect(databasesPart(model, db1)?.commands?.map((c) => c.name)).toEqual([
      'PostgreSQL role gitea_git and database gitea_git (gitea on git)',
      'PostgreSQL role nextcloud_git and database nextcloud_git (nextcloud on git)',
      'PostgreSQL role nextcloud_scratch and database nextcloud_scratch (nextcloud on scratch)',
      'PostgreSQL role peertube_scratch and database peertube_prod_scratch (peertube on scratch)',
      'PostgreSQL role synapse_matrix and database synapse_matrix (synapse on matrix)',
    ]);
    expect(databasesPart(model, db1)?.commands?.[1]?.secretEnv).toEqual({
      [VERIFIER_ENV]: 'service/nextcloud-git/db-password.scram',
    });
  });

  it('lets each role into its own database only, from its own VM, with scram-sha-256', () => {
    const hba = pgHba(model, db1);
    expect(hba).toContain('host    nextcloud_git nextcloud_git 2001:db8:1::c/128      scram-sha-256');
    expect(hba).toContain('host    nextcloud_scratch nextcloud_scratch 2001:db8:1::12/128     scram-sha-256');
    expect(hba).toContain('host    replication  replicator');
    expect(hba).not.toMatch(/^host\s+all\s+all\s+2001/m);
  });

  it('sets no password when the organisation keeps no secrets store', () => {
    const plain = deriveModel(fixtureInventory());
    const command = databasesPart(plain, vmNamed(plain.inventory, 'db1'))?.commands?.[0];
    expect(command?.secretEnv).toBeUndefined();
    expect(command?.stdin).not.toContain('getenv');
  });
});

describe.skipIf(POSTGRES_MISSING)('the database scripts on a real PostgreSQL', () => {
  let pg: Postgres;
  const model = deriveModel(withTwoNextclouds());
  const commands = databasesPart(model, vmNamed(model.inventory, 'db1'))?.commands ?? [];
  const password = (i: number): string => `Pw${i}abcdefghijklmnopqrstuvwxyz0123`;
  /** psql's arguments for a connection: as `user` to `db`, over the socket or TCP (`host`). */
  const connect = (user: string, db: string, host = pg.socketDir): string[] => [
    ...['-X', '-t', '-A', '-v', 'ON_ERROR_STOP=1'],
    ...['-h', host, '-p', String(pg.port), '-U', user, '-d', db],
  ];
  const psql = (stdin: string, env: Record<string, string>) =>
    pg.run('psql', connect('postgres', 'postgres'), env, stdin);
  const runAll = (): string[] =>
    commands.map((c, i) => {
      const run = psql(c.stdin!, { [VERIFIER_ENV]: scramVerifier(password(i)) });
      expect(run.status, run.output).toBe(0);
      return run.output.trim();
    });
  let first: string[];

  beforeAll(async () => {
    pg = await startPostgres({ hostAuth: 'scram-sha-256' });
    first = runAll();
  });
  afterAll(() => pg?.stop());

  it('makes every role and database, and a second run changes nothing', () => {
    expect(first.every((out) => out.length > 0)).toBe(true);
    expect(runAll()).toEqual(commands.map(() => ''));
  });

  it('lets each role log in over TCP with its password (scram-sha-256), and refuses a wrong one', () => {
    const login = (user: string, pw: string) =>
      pg.run('psql', [...connect(user, user, '127.0.0.1'), '-c', 'SELECT current_user'], { PGPASSWORD: pw });
    expect(login('nextcloud_git', password(1)).output.trim()).toBe('nextcloud_git');
    expect(login('nextcloud_scratch', password(2)).output.trim()).toBe('nextcloud_scratch');
    expect(login('nextcloud_git', password(2)).output).toContain('password authentication failed');
  });

  it('gives Synapse a C-collated database and PeerTube its extensions', () => {
    const query = (sql: string): string => psql(sql, {}).output.trim();
    expect(
      query("SELECT datcollate || ' ' || datctype FROM pg_database WHERE datname = 'synapse_matrix'"),
    ).toBe('C C');
    const extensions = pg.run('psql', [
      ...connect('postgres', 'peertube_prod_scratch'),
      '-c',
      'SELECT extname FROM pg_extension ORDER BY 1',
    ]);
    expect(extensions.output.trim().split('\n')).toEqual(['pg_trgm', 'plpgsql', 'unaccent']);
  });

  it('changes a role whose stored password was rotated, and only that one', () => {
    const rotated = psql(commands[1]!.stdin!, {
      [VERIFIER_ENV]: scramVerifier('Rotated0123456789abcdefghijklmnop'),
    });
    expect(rotated.output.trim()).toBe('ALTER ROLE');
    expect(databaseScript({ name: 'x', user: 'x' }, true)).toContain(`\\getenv verifier ${VERIFIER_ENV}`);
  });
});

describe('database-is-replica', () => {
  it('refuses a db: that names a streaming replica, naming its primary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replica-db-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const vms = join(dir, 'vms.yaml');
      writeFileSync(
        vms,
        readFileSync(vms, 'utf8').replace(
          'aliases: [forge.fixture.example.org], db: db1',
          'aliases: [forge.fixture.example.org], db: db2',
        ),
      );
      const errors = loadInventory(dir).errors.map((f) => formatFinding(f).replace(`${dir}/`, ''));
      expect(errors).toEqual([
        'vms.yaml:49:107  vms[2].services[0].db  names "db2", a streaming replica of "db1" (read-only); expected the primary: db: db1',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
