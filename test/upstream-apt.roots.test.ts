// The playbook's upstream apt repository tasks against a real signed repository, in real bookworm roots: a
// flat repository of one package signed with a throwaway key and served on loopback. With the right
// fingerprint pinned the key is trusted and the package installs (a second run changes nothing); with a wrong
// one the run stops before the keyring or the sources file exist, so apt never trusts the repository.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stagedKey } from '../baseline/apt-keys.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { exportKey, signedFlatRepository, throwawaySigningKey } from './helpers/apt-repo.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable } from './helpers/debian-root.ts';
import { fixtureInventory, vmNamed } from './helpers/inventories.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v gpg']).status === 0 ? undefined : 'gpg is missing (gnupg)');
if (UNAVAILABLE) console.warn(`skipping the upstream repository real-root tests: ${UNAVAILABLE}`);

/** The probe package and the repository id the test gives its repository. */
const PACKAGE = 'infra-upstream-probe';
const ID = 'probe';
const KEYRING = `/etc/apt/keyrings/${ID}.asc`;
const SOURCES = `/etc/apt/sources.list.d/${ID}.sources`;

const work = mkdtempSync(join(tmpdir(), 'upstream-apt-'));
const root = (host: string): string => join(work, 'roots', host);
const cleanups: (() => void)[] = [];
let model: Model;
let server: Server;
let right: RunResult;
let wrong: RunResult;

/** Serves the repository's files on 127.0.0.1 (a random port); closed after the tests. */
async function serve(dir: string): Promise<string> {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!));
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || path.endsWith('/')) {
      res.writeHead(404).end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The matrix VM's model with nothing but one upstream repository: the test's, with `fingerprint` pinned. */
function repositoryOnly(url: string, fingerprint: string): VmModel {
  const base = convergeModel(model, vmNamed(model.inventory, 'matrix'));
  return {
    ...base,
    packages: [],
    groups: [],
    users: [],
    directories: [],
    services: [],
    enabledOnly: [],
    once: [],
    debconf: [],
    releases: [],
    commands: [],
    secretFiles: [],
    files: [
      {
        path: SOURCES,
        content: `Types: deb\nURIs: ${url}/\nSuites: ./\nSigned-By: ${KEYRING}\n`,
        permissions: '0644',
        reload: 'refresh apt lists',
      },
    ],
    repositories: [
      {
        id: ID,
        sources: SOURCES,
        keyring: KEYRING,
        keyUrl: `${url}/key.asc`,
        staged: stagedKey(ID, 'asc', fingerprint),
        fingerprint,
        packages: [PACKAGE],
      },
    ],
  };
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  model = deriveModel(fixtureInventory());
  // python3-apt: on a VM it comes with unattended-upgrades at first boot; Ansible's apt module needs it, and
  // under Mitogen it cannot install it and start again under another Python as it does without.
  const built = debianRoot(['python3', 'python3-apt', 'gnupg', 'apt-utils']);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of ['right', 'wrong']) cleanups.push(hostRoot(built.dir, root(host)));
  const upstream = throwawaySigningKey(work, 'upstream');
  const intruder = throwawaySigningKey(work, 'intruder');
  // The repository is built with the root's own dpkg-deb and apt-ftparchive, then signed on the machine.
  mkdirSync(join(root('right'), 'srv/repo'), { recursive: true });
  signedFlatRepository(join(root('right'), 'srv/repo'), PACKAGE, upstream, (script) =>
    execFileSync('chroot', [root('right'), 'sh', '-c', `cd /srv/repo && ${script}`]),
  );
  execFileSync('sh', ['-c', 'cat > "$1"', 'sh', join(root('right'), 'srv/repo/key.asc')], {
    input: exportKey(upstream),
  });
  const url = await serve(join(root('right'), 'srv/repo'));
  for (const [host, fingerprint] of [
    ['right', upstream.fingerprint],
    ['wrong', intruder.fingerprint],
  ] as const)
    writeChrootPlaybooks(model, [repositoryOnly(url, fingerprint)], () => root(host), join(work, host));
  [right, wrong] = await Promise.all([
    convergeRoots(join(work, 'right'), ['matrix']),
    convergeRoots(join(work, 'wrong'), ['matrix']),
  ]);
  console.info(
    `first runs: ${right.seconds.toFixed(1)} s (right key), ${wrong.seconds.toFixed(1)} s (wrong key)`,
  );
}, 1_200_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('an upstream apt repository in a real Debian root', () => {
  it('trusts the key with the pinned fingerprint and installs the package from the repository', () => {
    expect(failedHosts(right), right.output.slice(-4000)).toBe('');
    expect(right.changed.get('matrix')).toContain(
      `Trust the key of ${SOURCES} only with the pinned fingerprint`,
    );
    expect(existsSync(join(root('right'), KEYRING.slice(1)))).toBe(true);
    const installed = inRoot(root('right'), ['dpkg-query', '-W', '-f', '${Status} ${Version}', PACKAGE]);
    expect(installed.output).toBe('install ok installed 1.0');
  });

  it('stops before anything is trusted when the pinned fingerprint is another key', () => {
    expect(failedHosts(wrong)).toBe('matrix');
    expect(wrong.output).toContain('refusing the key of probe: its fingerprint is');
    for (const path of [KEYRING, SOURCES])
      expect(existsSync(join(root('wrong'), path.slice(1))), path).toBe(false);
    expect(inRoot(root('wrong'), ['dpkg-query', '-W', PACKAGE]).status).not.toBe(0);
  });

  it('changes nothing on a second run with the right key', async () => {
    const second = await convergeRoots(join(work, 'right'), ['matrix']);
    expect(failedHosts(second), second.output.slice(-4000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
  }, 600_000);
});
