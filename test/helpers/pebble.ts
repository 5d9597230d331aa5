// A throwaway ACME server for tests: Debian's pebble on 127.0.0.1, validating DNS-01 against a given DNS server.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './knot.ts';

export interface Pebble {
  /** The ACME directory URL. */
  readonly directory: string;
  /** The CA that signed pebble's own HTTPS listener: what certbot must trust (REQUESTS_CA_BUNDLE). */
  readonly caBundle: string;
  /** Everything pebble printed so far (for a failure message). */
  output(): string;
  stop(): Promise<void>;
}

/** A CA and a 127.0.0.1/localhost server certificate for pebble's listener (Debian ships none). */
function listenerCertificate(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.pem');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  execFileSync(
    'openssl',
    ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', ca, '-days', '2'].concat([
      '-subj',
      '/CN=pebble test listener CA',
    ]),
    { stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    ['req', ...ec, '-keyout', key, '-out', join(dir, 'cert.csr'), '-subj', '/CN=localhost'],
    {
      stdio: 'pipe',
    },
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  execFileSync(
    'openssl',
    ['x509', '-req', '-in', join(dir, 'cert.csr'), '-CA', ca, '-CAkey', join(dir, 'ca.key')].concat([
      '-CAcreateserial',
      '-out',
      cert,
      '-days',
      '2',
      '-extfile',
      join(dir, 'ext.cnf'),
    ]),
    { stdio: 'pipe' },
  );
  return { ca, cert, key };
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`, or rejects after `ms`. */
export async function waitForPort(port: number, child: ChildProcess, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
}

/** Starts pebble in `dir`, asking `dnsPort` on 127.0.0.1 for the DNS-01 challenges; resolves once it listens. */
export async function startPebble(dir: string, dnsPort: number): Promise<Pebble> {
  const { ca, cert, key } = listenerCertificate(dir);
  const [port, management, http, tls] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const config = join(dir, 'pebble.json');
  const pebble = {
    listenAddress: `127.0.0.1:${port}`,
    managementListenAddress: `127.0.0.1:${management}`,
    certificate: cert,
    privateKey: key,
    httpPort: http,
    tlsPort: tls,
    ocspResponderURL: '',
    externalAccountBindingRequired: false,
  };
  writeFileSync(config, JSON.stringify({ pebble }));
  // Really validate every order (no reused authorisations, no sleeping), and accept every nonce.
  const env = { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0', PEBBLE_WFE_NONCEREJECT: '0' };
  const child = spawn('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitForPort(port, child);
  } catch (error) {
    await stop();
    throw new Error(`pebble did not start: ${String(error)}\n${output}`);
  }
  return { directory: `https://127.0.0.1:${port}/dir`, caBundle: ca, output: () => output, stop };
}
