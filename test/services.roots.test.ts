// The services part of the playbooks converged into real bookworm roots (Ansible's chroot connection) and
// proven by the programs themselves, each run in a network namespace of its own on loopback: the proxy's
// nginx answers the Matrix delegation and enforces each application's upload limit, the status VM's nginx
// serves /var/www/status, an SFTP partner uploads with its key and gets no shell, the borg account exists;
// a second run changes nothing. Skipped with a printed reason where the tools or root are missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { SFTP_PARTNER, servicesFixture } from './helpers/services-org.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v unshare && command -v ip']).status === 0
    ? undefined
    : 'unshare or ip is missing (util-linux, iproute2)');
if (UNAVAILABLE) console.warn(`skipping the services real-root tests: ${UNAVAILABLE}`);

/** The proxy, the status page, the SFTP drop and the borg repository of the fixture (with the two added). */
const HOSTS = ['proxy1', 'uptime', 'drop', 'backup'] as const;

const work = mkdtempSync(join(tmpdir(), 'services-roots-'));
const root = (host: string): string => join(work, 'roots', host);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let model: Model;
let byVm: Map<string, VmModel>;
let first: RunResult;

/**
 * Runs a shell script in a network namespace of its own (loopback up, nothing else): what it starts can
 * only listen there and dies with it. `ROOT` in the script is the host's root.
 */
function inNamespace(host: string, script: string): { status: number; output: string } {
  const r = spawnSync(
    'unshare',
    ['--net', 'sh', '-c', `set -u\nip link set lo up\nROOT=${root(host)}\n${script}`],
    {
      encoding: 'utf8',
      timeout: 60_000,
      killSignal: 'SIGKILL',
    },
  );
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** Starts a daemon of the root in the background, stops it when the script ends, waits until `ready` succeeds. */
function withDaemon(daemon: string, ready: string): string {
  return [
    `chroot "$ROOT" ${daemon} &`,
    'daemon=$!',
    "trap 'kill $daemon 2>/dev/null; wait $daemon 2>/dev/null' EXIT",
    // Up to 10 s for it to listen; the check is the condition, the pause only paces it.
    `i=0; until ${ready} >/dev/null 2>&1; do i=$((i+1)); [ $i -lt 100 ] || { echo "not ready: ${daemon}"; exit 1; }; sleep 0.1; done`,
  ].join('\n');
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const key = throwawayKey(work, 'partner');
  servicesFixture(join(work, 'org'), readFileSync(`${key}.pub`, 'utf8').trim());
  model = deriveModel(validInventory(join(work, 'org')));
  byVm = new Map(HOSTS.map((h) => [h, convergeModel(model, vmNamed(model.inventory, h))]));
  const packages = ['python3', 'systemd', ...[...byVm.values()].flatMap((m) => m.packages)];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of HOSTS) cleanups.push(hostRoot(built.dir, root(host)));
  // The partner's private key, where the SFTP client inside the drop's root reads it.
  copyFileSync(key, join(root('drop'), 'root/partner'));
  writeChrootPlaybooks(model, [...byVm.values()], root, playbooks);
  // As converge hands them over: throwaway values for every secret of the model, in a 0600 vars file.
  writeFileSync(
    secretsFile,
    secretVarsFile(new Map(secretNeeds(model).map((n) => [secretKey(n), `throwaway ${secretKey(n)}`]))),
    { mode: 0o600 },
  );
  // No ACME server here: the proxy's certificates exist already, as after a first issuance, so certbot is not run.
  for (const { name } of vmCertificates(model, vmNamed(model.inventory, 'proxy1'))) {
    const live = join(root('proxy1'), 'etc/letsencrypt/live', name);
    mkdirSync(live, { recursive: true });
    for (const file of ['fullchain.pem', 'privkey.pem']) writeFileSync(join(live, file), '');
  }
  first = await convergeRoots(playbooks, HOSTS, ['-e', `@${secretsFile}`]);
  console.info(`first run of ${HOSTS.join(', ')}: ${first.seconds.toFixed(1)} s`);
}, 900_000);

afterAll(() => {
  try {
    runCleanups(cleanups);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

describe.skipIf(UNAVAILABLE)('services converged into real Debian roots', () => {
  it('converges every host without a failure', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
  });

  it("gives the proxy a configuration nginx accepts, answering Matrix delegation and each app's upload limit", () => {
    expect(inRoot(root('proxy1'), ['/usr/sbin/nginx', '-t']).status).toBe(0);
    const curl = (name: string, rest: string): string =>
      `chroot "$ROOT" curl -sk --resolve ${name}:443:127.0.0.1 ${rest} https://${name}`;
    const run = inNamespace(
      'proxy1',
      [
        withDaemon("/usr/sbin/nginx -g 'daemon off;'", 'chroot "$ROOT" curl -s http://127.0.0.1/'),
        'head -c 2097152 /dev/zero > "$ROOT/tmp/body"',
        `echo "server=$(${curl('fixture.example.org', '')}/.well-known/matrix/server)"`,
        `echo "status=$(${curl('status.fixture.example.org', "-o /dev/null -w '%{http_code}' --data-binary @/tmp/body")}/)"`,
        `echo "code=$(${curl('code.fixture.example.org', "-o /dev/null -w '%{http_code}' --data-binary @/tmp/body")}/)"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('server={"m.server":"im.fixture.example.org:443"}');
    // 2 MiB: over nginx's default for the status page (413), within Gitea's limit (passed on; no backend: 502).
    expect(run.output).toContain('status=413');
    expect(run.output).toContain('code=502');
  });

  it("serves the status page from /var/www/status with the status VM's own nginx", () => {
    expect(inRoot(root('uptime'), ['/usr/sbin/nginx', '-t']).status).toBe(0);
    const run = inNamespace(
      'uptime',
      [
        withDaemon("/usr/sbin/nginx -g 'daemon off;'", 'chroot "$ROOT" curl -s http://127.0.0.1/'),
        'chroot "$ROOT" curl -s -H "Host: status.fixture.example.org" http://127.0.0.1/',
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('Nothing published yet.');
  });

  it('lets an SFTP partner upload with its key into its chroot, and gives it no shell', () => {
    expect(inRoot(root('drop'), ['/usr/sbin/sshd', '-t']).status).toBe(0);
    const ssh = `-i /root/partner -P 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes`;
    const run = inNamespace(
      'drop',
      [
        withDaemon(
          '/usr/sbin/sshd -D -e -p 2222 -o ListenAddress=127.0.0.1',
          'chroot "$ROOT" ssh-keyscan -p 2222 127.0.0.1',
        ),
        'echo "quarterly report" > "$ROOT/tmp/report.txt"',
        `echo 'put /tmp/report.txt upload/report.txt' | chroot "$ROOT" sftp -b - ${ssh} ${SFTP_PARTNER}@127.0.0.1`,
        `chroot "$ROOT" ssh ${ssh.replace('-P', '-p')} ${SFTP_PARTNER}@127.0.0.1 id && echo "shell=yes" || echo "shell=no"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    const upload = join(root('drop'), `srv/sftp/${SFTP_PARTNER}/upload/report.txt`);
    expect(readFileSync(upload, 'utf8')).toBe('quarterly report\n');
    expect(
      inRoot(root('drop'), ['stat', '-c', '%U', `/srv/sftp/${SFTP_PARTNER}/upload/report.txt`]).output.trim(),
    ).toBe(SFTP_PARTNER);
    expect(run.output).toContain('shell=no');
    expect(run.output).not.toMatch(/uid=\d+/);
  });

  it('makes the borg repository account and its directories', () => {
    const id = inRoot(root('backup'), ['id', '-nG', 'borg']);
    expect(id.status, id.output).toBe(0);
    expect(id.output.trim().split(/\s+/)).toContain('borg');
    for (const dir of ['srv/borg', 'srv/borg/.ssh']) {
      expect((statSync(join(root('backup'), dir)).mode & 0o7777).toString(8)).toBe('700');
      expect(inRoot(root('backup'), ['stat', '-c', '%U:%G', `/${dir}`]).output.trim()).toBe('borg:borg');
    }
  });

  it('changes nothing on a second run', async () => {
    const second = await convergeRoots(playbooks, HOSTS, ['-e', `@${secretsFile}`]);
    console.info(`second run: ${second.seconds.toFixed(1)} s`);
    expect(failedHosts(second), second.output.slice(-4000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
    for (const host of HOSTS) expect(second.stats[host]?.changed).toBe(0);
  }, 900_000);
});
