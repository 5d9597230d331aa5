// The PostgreSQL replica is a real streaming replica: in two Debian roots, the generated replication-role SQL
// runs on the primary and the generated standby script on the replica (pg_basebackup with the stored password,
// standby.signal), both clusters on loopback ports; a row written on the primary is then read on the standby.
// Skipped with a printed reason where the tools or root are missing (.ci/run installs them; CI runs as root).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicationRoleCommand, standbyScript } from '../baseline/postgresql-replication.ts';
import { scramVerifier, VERIFIER_ENV } from '../baseline/postgresql-roles.ts';
import { freshValue } from '../members/secrets-store.ts';
import {
  debianRoot,
  hostRoot,
  rootUnavailable,
  runCleanups,
  startPostgresInRoot,
  stopPostgresInRoot,
} from './helpers/debian-root.ts';
import { freePort } from './helpers/postgres.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the PostgreSQL replica test: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'pg-replica-'));
const root = (host: string): string => join(work, host);
const cleanups: (() => void)[] = [];
const password = freshValue('password', 32);
let standbyRun: { status: number; output: string };

/** Runs a command in a root with extra environment and standard input. */
function inRootWith(
  host: string,
  argv: readonly string[],
  env: Record<string, string>,
  input = '',
): { status: number; output: string } {
  const run = spawnSync('chroot', [root(host), ...argv], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    input,
  });
  return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

const sql = (host: string, query: string): string =>
  inRootWith(
    host,
    ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', query],
    {},
  ).output.trim();

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const built = debianRoot(['postgresql']);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s`,
  );
  for (const host of ['primary', 'standby']) cleanups.push(hostRoot(built.dir, root(host)));
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  cleanups.unshift(startPostgresInRoot(root('primary'), 15, primaryPort));
  const role = replicationRoleCommand('db1');
  const made = inRootWith('primary', role.argv, { [VERIFIER_ENV]: scramVerifier(password) }, role.stdin);
  if (made.status !== 0) throw new Error(made.output);
  // What the standby script's own `pg_ctlcluster start` reads: its loopback port, and mmap shared memory.
  writeFileSync(
    join(root('standby'), 'etc/postgresql/15/main/conf.d/test.conf'),
    `port = ${standbyPort}\nlisten_addresses = '127.0.0.1'\ndynamic_shared_memory_type = mmap\n`,
  );
  standbyRun = inRootWith('standby', ['sh', '-c', standbyScript(15, '127.0.0.1', primaryPort)], {
    PGPASSWORD: password,
  });
  if (existsSync(join(root('standby'), 'var/lib/postgresql/15/main/postmaster.pid')))
    cleanups.unshift(() => stopPostgresInRoot(root('standby'), 15));
}, 900_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('a PostgreSQL streaming replica made by the generated commands', () => {
  it('clones the primary with the stored replication password and starts as a standby', () => {
    expect(standbyRun.status, standbyRun.output).toBe(0);
    expect(standbyRun.output).toContain('made a streaming replica of 127.0.0.1');
    expect(existsSync(join(root('standby'), 'var/lib/postgresql/15/main/standby.signal'))).toBe(true);
    expect(sql('standby', 'SELECT pg_is_in_recovery()')).toBe('t');
  });

  it('reads on the standby a row written on the primary', async () => {
    sql('primary', "CREATE TABLE probe (note text); INSERT INTO probe VALUES ('written on the primary')");
    const deadline = Date.now() + 60_000;
    let seen = '';
    // Wait for the condition (the row replicated), not for a fixed time.
    while (Date.now() < deadline) {
      seen = sql('standby', "SELECT note FROM probe WHERE note = 'written on the primary'");
      if (seen === 'written on the primary') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen).toBe('written on the primary');
    expect(sql('standby', "INSERT INTO probe VALUES ('x')")).toContain('read-only transaction');
  }, 90_000);

  it('leaves an existing standby alone on the next converge, and refuses a wrong password', () => {
    const again = inRootWith('standby', ['sh', '-c', standbyScript(15, '127.0.0.1', 1)], {
      PGPASSWORD: password,
    });
    expect(again).toEqual({ status: 0, output: '' });
    const wrong = inRootWith(
      'primary',
      [
        'psql',
        '-X',
        '-h',
        '127.0.0.1',
        '-p',
        sql('primary', 'SHOW port'),
        '-U',
        'replicator',
        '-d',
        'postgres',
        '-c',
        'SELECT 1',
      ],
      { PGPASSWORD: 'not-the-password' },
    );
    expect(wrong.output).toContain('password authentication failed');
  });
});
