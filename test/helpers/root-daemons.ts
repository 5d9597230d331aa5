// What the real-root tests that start a service's daemons share: the check that they can run here, a
// throwaway certificate where certbot would put one, and namespaces that the daemons cannot outlive.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rootUnavailable } from './debian-root.ts';

/** Why the daemons cannot run here (printed, then skipped), or undefined. */
export function daemonRootUnavailable(tools: readonly string[] = []): string | undefined {
  const root = rootUnavailable();
  if (root) return root;
  const missing = ['unshare', 'ip', ...tools].filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0,
  );
  return missing.length > 0 ? `${missing.join(', ')} missing (.ci/run installs them)` : undefined;
}

/** A self-signed certificate for `name` in the root, where certbot keeps it, as after a first issuance. */
export function throwawayCertificate(root: string, name: string): void {
  const live = join(root, 'etc/letsencrypt/live', name);
  mkdirSync(live, { recursive: true });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(live, 'privkey.pem'),
      '-out',
      join(live, 'fullchain.pem'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/**
 * Runs a shell script in network, PID and mount namespaces of their own (loopback up): what it starts listens
 * only there, what it mounts is seen only there, and everything it started dies with it, whatever happens
 * (also on the timeout).
 */
export function inNamespaces(script: string, timeoutMs: number): { status: number; output: string } {
  const r = spawnSync(
    'unshare',
    [
      '--net',
      '--pid',
      '--mount',
      '--fork',
      '--kill-child',
      'sh',
      '-c',
      `set -u\nip link set lo up\n${script}`,
    ],
    { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' },
  );
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}
