// A throwaway Knot DNS server for tests: 127.0.0.1 on a free port, a TSIG key for updates, stopped by pid.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The Debian tools the DNS tests use (knot, knot-dnsutils, bind9-utils), and which of them are missing. */
export const DNS_TOOLS = ['knotd', 'knotc', 'keymgr', 'kdig', 'knsupdate', 'named-checkzone'] as const;

export function missingDnsTools(): string[] {
  return DNS_TOOLS.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0,
  );
}

/** A TSIG key as keymgr makes it. */
export interface TsigKey {
  readonly name: string;
  readonly algorithm: string;
  readonly secret: string;
}

export function makeKey(name: string): TsigKey {
  const out = execFileSync('keymgr', ['-t', name, 'hmac-sha256'], { encoding: 'utf8' });
  const m = /^# (hmac-sha256):([^:]+):(\S+)$/m.exec(out);
  if (!m) throw new Error(`keymgr printed no key:\n${out}`);
  return { algorithm: m[1]!, name: m[2]!, secret: m[3]! };
}

/** A port nobody listens on right now (TCP; Knot takes the same number for UDP). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export interface KnotServer {
  readonly port: number;
  readonly conf: string;
  stop(): Promise<void>;
}

/** Writes a config for `zones` (file name `<zone>.zone` in `zoneDir`) and starts knotd; resolves once it answers. */
export async function startKnot(
  dir: string,
  zoneDir: string,
  zones: readonly string[],
  key: TsigKey,
): Promise<KnotServer> {
  const port = await freePort();
  for (const sub of ['run', 'db']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'knot.conf');
  writeFileSync(
    conf,
    [
      'server:',
      `  listen: 127.0.0.1@${port}`,
      `  rundir: ${join(dir, 'run')}`,
      'database:',
      `  storage: ${join(dir, 'db')}`,
      'log:',
      '  - target: stderr',
      '    any: warning',
      'key:',
      `  - id: ${key.name}`,
      `    algorithm: ${key.algorithm}`,
      `    secret: ${key.secret}`,
      'acl:',
      '  - id: update',
      `    key: ${key.name}`,
      '    action: update',
      '  - id: transfer',
      '    address: 127.0.0.1',
      '    action: transfer',
      'template:',
      '  - id: default',
      `    storage: ${zoneDir}`,
      '    file: "%s.zone"',
      '    acl: [update, transfer]',
      // Never write back into the files the test compares against.
      '    zonefile-sync: -1',
      'zone:',
      ...zones.map((z) => `  - domain: ${z}`),
      '',
    ].join('\n'),
  );
  return runKnot(conf, join(dir, 'run'), port, zones[0]!);
}

/** Starts knotd on a config that listens on 127.0.0.1@`port` with `rundir`; resolves once `zone` answers. */
export async function runKnot(conf: string, rundir: string, port: number, zone: string): Promise<KnotServer> {
  const started = spawnSync('knotd', ['-c', conf, '-d'], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`knotd did not start: ${started.stderr}`);
  const pidFile = join(rundir, 'knot.pid');
  for (let i = 0; i < 100; i++) {
    const soa = spawnSync('kdig', ['@127.0.0.1', '-p', String(port), zone, 'SOA', '+short', '+timeout=1'], {
      encoding: 'utf8',
    });
    if (soa.status === 0 && soa.stdout.trim() !== '') break;
    if (i === 99) throw new Error(`knotd (${conf}) does not answer for ${zone} on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    conf,
    async stop() {
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        return;
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** One answer line of kdig: `git.example.org. 3600 IN AAAA 2001:db8:100::a`. */
export interface Answer {
  readonly name: string;
  readonly ttl: number;
  readonly type: string;
  readonly value: string;
}

export function parseAnswers(text: string): Answer[] {
  const out: Answer[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s+(.*\S)\s*$/.exec(line);
    if (m) out.push({ name: m[1]!.toLowerCase(), ttl: Number(m[2]), type: m[3]!, value: m[4]! });
  }
  return out;
}

/** Asks many questions in few kdig runs; returns every answer line. */
export function dig(port: number, questions: readonly (readonly [string, string])[]): Answer[] {
  const out: Answer[] = [];
  for (let i = 0; i < questions.length; i += 100) {
    const args = questions.slice(i, i + 100).flatMap(([name, type]) => [name, type]);
    const result = spawnSync(
      'kdig',
      ['@127.0.0.1', '-p', String(port), '+noall', '+answer', '+norecurse', ...args],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (result.status !== 0) throw new Error(`kdig failed: ${result.stderr}`);
    out.push(...parseAnswers(result.stdout));
  }
  return out;
}

/** Sends an RFC 2136 update script with knsupdate, signed when a key is given. */
export function nsupdate(port: number, script: string, key?: TsigKey): { status: number; output: string } {
  const args = key ? ['-y', `${key.algorithm}:${key.name}:${key.secret}`] : [];
  const result = spawnSync('knsupdate', args, {
    input: `server 127.0.0.1 ${port}\n${script}`,
    encoding: 'utf8',
  });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
