// The services part of the playbooks converged into real bookworm roots booted with systemd (each in a network
// namespace of its own with only loopback), and proven by the programs themselves against the daemons the
// playbook enabled and started: the proxy's nginx answers the Matrix delegation and enforces each
// application's upload limit, the status VM's and the static website's nginx serve their roots, an SFTP
// partner uploads with its key and gets no shell, the borg account exists, the jump host forwards for a member
// and nothing else does, apt-cacher-ng fetches through itself; a second run changes nothing. Skipped with a
// printed reason where the tools or the root are missing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { bootRoot, bootUnavailable, type BootedRoot } from './helpers/booted-root.ts';
import {
  convergeRoots,
  failedHosts,
  type RunResult,
  runCleanups,
  writeChrootPlaybooks,
} from './helpers/converge-roots.ts';
import { debianRoot, hostRoot, rootUnavailable } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { JUMP_MEMBER, SFTP_PARTNER, servicesFixture } from './helpers/services-org.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const UNAVAILABLE = rootUnavailable() ?? bootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the services booted-root tests: ${UNAVAILABLE}`);

/** The proxy, the status page, the SFTP drop, the borg repository, the jump host, a static site, the apt cache. */
const HOSTS = ['proxy1', 'uptime', 'drop', 'backup', 'jump', 'site', 'cache'] as const;
type Host = (typeof HOSTS)[number];
/** What a booted root needs besides the VMs' own packages (systemd as PID 1, its bus, Ansible's Python). */
const BOOT_PACKAGES = ['python3', 'systemd', 'systemd-sysv', 'dbus'];
/** The units each host's kind runs: active after converge because the playbook enabled and started them. */
const KIND_UNITS: Record<Host, readonly string[]> = {
  proxy1: ['nginx'],
  uptime: ['nginx'],
  drop: ['ssh'],
  backup: ['ssh'],
  jump: ['ssh'],
  site: ['nginx'],
  cache: ['apt-cacher-ng'],
};
/** ssh's options for a test login with one key and no known_hosts. */
const SSH_OPTIONS = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'IdentitiesOnly=yes',
];

const work = mkdtempSync(join(tmpdir(), 'services-roots-'));
const root = (host: string): string => join(work, 'roots', host);
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
const booted = new Map<string, BootedRoot>();
let model: Model;
let byVm: Map<string, VmModel>;
let first: RunResult;

/** The booted root of a host. */
function box(host: Host): BootedRoot {
  const found = booted.get(host);
  if (!found) throw new Error(`${host} was not booted`);
  return found;
}

/** Runs a shell script inside a host's booted root (its own network namespace, its own daemons). */
function shIn(host: Host, script: string): { status: number; output: string } {
  return box(host).run(['sh', '-c', `set -u\n${script}`], 120_000);
}

/** Puts the files a host needs before its first converge: the test keys, the proxy's certificates. */
function prepareRoots(partnerKey: string, memberKey: string): void {
  // The private keys, where the SSH clients inside the drop's and the jump host's roots read them.
  copyFileSync(partnerKey, join(root('drop'), 'root/partner'));
  copyFileSync(memberKey, join(root('jump'), 'root/member'));
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
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  const partnerKey = throwawayKey(work, 'partner');
  const memberKey = throwawayKey(work, 'member');
  const pub = (key: string): string => readFileSync(`${key}.pub`, 'utf8').trim();
  servicesFixture(join(work, 'org'), pub(partnerKey), pub(memberKey));
  model = deriveModel(validInventory(join(work, 'org')));
  byVm = new Map(HOSTS.map((h) => [h, convergeModel(model, vmNamed(model.inventory, h))]));
  const built = debianRoot([...BOOT_PACKAGES, ...[...byVm.values()].flatMap((m) => m.packages)]);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s (${built.dir})`,
  );
  for (const host of HOSTS) cleanups.push(hostRoot(built.dir, root(host)));
  prepareRoots(partnerKey, memberKey);
  for (const host of HOSTS) {
    const started = performance.now();
    const container = await bootRoot(root(host), `svc-${host}`, { work });
    // Before the roots' unmounting: a container is powered off before its root goes away.
    cleanups.unshift(container.stop);
    booted.set(host, container);
    // The shared root has every host's packages, and systemd started what they enabled at boot; stopped
    // again, each kind's units are as a package installed under a policy-rc.d leaves them: only the playbook
    // can start them. Not ssh: the playbook checks its sshd files with `sshd -t`, which needs the runtime
    // directory (/run/sshd) that only a running ssh keeps.
    const stop = KIND_UNITS[host].filter((unit) => unit !== 'ssh');
    const stopped =
      stop.length > 0 ? container.run(['systemctl', 'stop', ...stop]) : { status: 0, output: '' };
    if (stopped.status !== 0) throw new Error(`${host}: ${stopped.output}`);
    console.info(`${host} booted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  writeChrootPlaybooks(model, [...byVm.values()], root, playbooks, (vm) => booted.get(vm)?.exe);
  first = await convergeRoots(playbooks, HOSTS, ['-e', `@${secretsFile}`]);
  console.info(`first run of ${HOSTS.join(', ')}: ${first.seconds.toFixed(1)} s`);
}, 1_800_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('services converged into booted Debian roots', () => {
  it('converges every host without a failure', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
  });

  it("leaves each kind's units active, started by the playbook, and no unit of the model failed", () => {
    for (const host of HOSTS) {
      for (const unit of KIND_UNITS[host])
        expect(`${host} ${unit} ${box(host).waitActive(unit)}`).toBe(`${host} ${unit} active`);
      const failed = box(host).run(['systemctl', '--failed', '--plain', '--no-legend']).output;
      for (const unit of byVm.get(host)!.services)
        expect(failed, `${host}: ${unit}`).not.toMatch(new RegExp(`^${unit}[. ]`, 'm'));
      // Every unit the model enables runs, unless systemd itself says it cannot here: chrony may not set the
      // clock in a container (its condition), the guest agent waits for a virtio port a container lacks.
      for (const unit of byVm.get(host)!.services) {
        const show = box(host).run(['systemctl', 'show', '-p', 'ActiveState,ConditionResult,BindsTo', unit]);
        const props = new Map(
          show.output.split('\n').map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]),
        );
        const excused =
          props.get('ConditionResult') === 'no' || (props.get('BindsTo') ?? '').includes('.device');
        if (!excused) expect(`${host} ${unit} ${props.get('ActiveState')}`).toBe(`${host} ${unit} active`);
      }
    }
  });

  it("gives the proxy a configuration nginx accepts, answering Matrix delegation and each app's upload limit", () => {
    expect(box('proxy1').run(['nginx', '-t']).status).toBe(0);
    const curl = (name: string, rest: string): string =>
      `curl -sk --resolve ${name}:443:127.0.0.1 ${rest} https://${name}`;
    const run = shIn(
      'proxy1',
      [
        'head -c 2097152 /dev/zero > /root/body',
        `echo "server=$(${curl('fixture.example.org', '')}/.well-known/matrix/server)"`,
        `echo "status=$(${curl('status.fixture.example.org', "-o /dev/null -w '%{http_code}' --data-binary @/root/body")}/)"`,
        `echo "code=$(${curl('code.fixture.example.org', "-o /dev/null -w '%{http_code}' --data-binary @/root/body")}/)"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('server={"m.server":"im.fixture.example.org:443"}');
    // 2 MiB: over nginx's default for the status page (413), within Gitea's limit (passed on; no backend: 502).
    expect(run.output).toContain('status=413');
    expect(run.output).toContain('code=502');
  });

  it("serves the status page from /var/www/status with the status VM's own nginx", () => {
    expect(box('uptime').run(['nginx', '-t']).status).toBe(0);
    const run = shIn('uptime', 'curl -sf -H "Host: status.fixture.example.org" http://127.0.0.1/');
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('Nothing published yet.');
  });

  it('serves the static website from its document root, first page and published files alike', () => {
    expect(box('site').run(['nginx', '-t']).status).toBe(0);
    writeFileSync(join(root('site'), 'var/www/site/about.html'), '<p>About the fixture</p>\n');
    const get = (path: string): string =>
      `curl -sf -H "Host: www.fixture.example.org" http://127.0.0.1${path}`;
    const run = shIn('site', `${get('/')}\n${get('/about.html')}`);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('Nothing published yet.');
    expect(run.output).toContain('About the fixture');
    // Another name gets Debian's default site, not the website.
    const other = shIn('site', 'curl -s -H "Host: elsewhere.example.net" http://127.0.0.1/about.html');
    expect(other.output).not.toContain('About the fixture');
  });

  it('lets an SFTP partner upload with its key into its chroot, and gives it no shell', () => {
    expect(box('drop').run(['sshd', '-t']).status).toBe(0);
    const ssh = ['-i', '/root/partner', ...SSH_OPTIONS].join(' ');
    const run = shIn(
      'drop',
      [
        'echo "quarterly report" > /root/report.txt',
        `echo 'put /root/report.txt upload/report.txt' | sftp -b - ${ssh} ${SFTP_PARTNER}@127.0.0.1`,
        `ssh ${ssh} ${SFTP_PARTNER}@127.0.0.1 id && echo "shell=yes" || echo "shell=no"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    const upload = `/srv/sftp/${SFTP_PARTNER}/upload/report.txt`;
    expect(readFileSync(join(root('drop'), upload), 'utf8')).toBe('quarterly report\n');
    expect(box('drop').run(['stat', '-c', '%U', upload]).output.trim()).toBe(SFTP_PARTNER);
    expect(run.output).toContain('shell=no');
    expect(run.output).not.toMatch(/uid=\d+/);
  });

  it('makes the borg repository account and its directories', () => {
    const id = box('backup').run(['id', '-nG', 'borg']);
    expect(id.status, id.output).toBe(0);
    expect(id.output.trim().split(/\s+/)).toContain('borg');
    for (const dir of ['/srv/borg', '/srv/borg/.ssh'])
      expect(box('backup').run(['stat', '-c', '%a %U:%G', dir]).output.trim()).toBe('700 borg:borg');
  });

  it('lets a member forward through the jump host (ssh -W, as ProxyJump does), and nothing more', () => {
    expect(box('jump').run(['sshd', '-t']).status).toBe(0);
    const ssh = ['-i', '/root/member', ...SSH_OPTIONS].join(' ');
    const run = shIn(
      'jump',
      [
        // Through the jump host to an SSH server behind it (its own, on loopback): the far end's banner.
        `timeout 30 ssh ${ssh} -W 127.0.0.1:22 ${JUMP_MEMBER}@127.0.0.1 </dev/null | head -n 1`,
        // A remote forward would open a port on the jump host for the world: refused.
        `ssh ${ssh} -o ExitOnForwardFailure=yes -R 127.0.0.1:2022:127.0.0.1:22 ${JUMP_MEMBER}@127.0.0.1 true && echo "remote=yes" || echo "remote=no"`,
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/^SSH-2\.0-OpenSSH/m);
    expect(run.output).toContain('remote=no');
    // sshd's own answer for such a login: local forwarding on the jump host, none on any other VM.
    const forwarding = (host: Host): string =>
      box(host)
        .run(['sshd', '-T', '-C', `user=${JUMP_MEMBER},host=laptop,addr=127.0.0.1`])
        .output.match(/^allowtcpforwarding (\S+)/m)?.[1] ?? 'missing';
    expect(forwarding('jump')).toBe('local');
    expect(forwarding('site')).toBe('no');
  });

  it('answers as apt-cacher-ng on its port and fetches a package index through itself', () => {
    const repo = join(root('cache'), 'srv/repo/debian/dists/bookworm');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'Release'), 'Origin: fixture\nSuite: bookworm\n');
    const run = shIn(
      'cache',
      [
        // apt-cacher-ng fetches from port 80 only (AllowUserPorts), which the shared root's nginx holds here.
        'systemctl stop nginx',
        'systemd-run --unit=test-mirror --quiet python3 -m http.server 80 --bind 127.0.0.1 --directory /srv/repo',
        'i=0; until curl -s http://127.0.0.1/ >/dev/null; do i=$((i+1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done',
        `echo "report=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3142/acng-report.html)"`,
        'curl -sf -x http://127.0.0.1:3142 http://127.0.0.1/debian/dists/bookworm/Release',
      ].join('\n'),
    );
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('report=200');
    expect(run.output).toContain('Origin: fixture');
  });

  it('changes nothing on a second run', async () => {
    const second = await convergeRoots(playbooks, HOSTS, ['-e', `@${secretsFile}`]);
    console.info(`second run: ${second.seconds.toFixed(1)} s`);
    expect(failedHosts(second), second.output.slice(-4000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
    for (const host of HOSTS) expect(second.stats[host]?.changed).toBe(0);
  }, 1_800_000);
});
