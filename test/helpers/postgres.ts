// A throwaway PostgreSQL from Debian's packages: a temp data dir, 127.0.0.1 on a free port, stopped by the test.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or undefined. */
function binDir(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(ROOT, versions[0], 'bin') : undefined;
}

export const POSTGRES_MISSING = binDir()
  ? undefined
  : 'no PostgreSQL server (Debian package postgresql) under /usr/lib/postgresql';
if (POSTGRES_MISSING) process.stderr.write(`postgres tests skipped: ${POSTGRES_MISSING}\n`);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface Postgres {
  /** For the pg backend's PG_CONN_STR. */
  readonly connString: string;
  readonly port: number;
  /** The Unix socket directory, where the postgres superuser is trusted whatever `hostAuth` says. */
  readonly socketDir: string;
  /** Runs a bin tool (psql, pg_basebackup) as the server's user, with extra environment. */
  run(
    tool: string,
    args: readonly string[],
    env?: Record<string, string>,
    input?: string,
  ): { status: number; output: string };
  stop(): void;
}

export interface PostgresOptions {
  /** How TCP logins on 127.0.0.1 authenticate. @default trust */
  readonly hostAuth?: 'trust' | 'scram-sha-256';
}

/** initdb refuses to run as root, so as root the server runs as the postgres system user. */
export async function startPostgres(settings: PostgresOptions = {}): Promise<Postgres> {
  const bin = binDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'pg-'));
  const data = join(dir, 'data');
  let user: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const id = (flag: string): number =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
    user = { uid: id('-u'), gid: id('-g') };
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const pg = (tool: string, args: string[]): void => {
    const r = spawnSync(join(bin, tool), args, { encoding: 'utf8', ...user, cwd: dir });
    if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr || r.stdout}`);
  };
  const auth = settings.hostAuth ?? 'trust';
  pg('initdb', [
    '-D',
    data,
    '--auth-local=trust',
    `--auth-host=${auth}`,
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`;
  pg('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    connString: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    socketDir: dir,
    run: (tool, args, env = {}, input) => {
      const r = spawnSync(join(bin, tool), [...args], {
        encoding: 'utf8',
        ...user,
        cwd: dir,
        env: { ...process.env, ...env },
        ...(input === undefined ? {} : { input }),
      });
      return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
    },
    stop: () => {
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { ...user, cwd: dir });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
