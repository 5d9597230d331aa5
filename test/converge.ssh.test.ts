// `npm run converge` over real SSH, as the pipeline runs it: the controller, the jump host and the target are
// three network namespaces made here, the controller reaches only the jump host, each host has its own sshd
// and host key, the generated known_hosts pins both keys, and the playbook runs on the target. The accounts
// live in private copies of /etc/passwd (useradd --prefix), and the controller's ~/.ssh and /etc/hosts are
// mounted in its own mount namespace, so nothing on the machine changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAnsible } from '../baseline/ansible.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel } from '../model/derive.ts';
import { FIXTURE, fixtureInventory } from './helpers/inventories.ts';
import { Lab, labUnavailable } from './helpers/netns.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const why =
  labUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v ansible-playbook']).status !== 0
    ? 'ansible-playbook is not installed (.ci/run installs it)'
    : undefined);
if (why) process.stdout.write(`converge.ssh: skipped: ${why}\n`);

const TARGET = 'scratch';
const JUMP = 'jump';

/** The generated artifacts of the fixture, with the target's playbook cut to one task that leaves a mark. */
function writeArtifacts(out: string, mark: string): void {
  const inventory = fixtureInventory();
  const model = deriveModel(inventory);
  const models = inventory.vms.filter((vm) => vm.os !== 'other').map((vm) => convergeModel(model, vm));
  for (const [path, text] of renderAnsible(model, models)) {
    const file = join(out, 'artifacts', 'ansible', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  // The baseline playbook itself runs in a Debian root in ansible.chroot.test.ts; here the point is the way
  // there. Its facts say which host it ran on.
  writeFileSync(
    join(out, 'artifacts', 'ansible', 'vms', `${TARGET}.yml`),
    [
      `- name: Converge ${TARGET}`,
      `  hosts: ${TARGET}`,
      '  gather_facts: true',
      '  gather_subset: [network]',
      '  tasks:',
      '    - name: Leave a mark with the addresses of the host the play runs on',
      '      ansible.builtin.copy:',
      `        dest: ${mark}`,
      '        content: "{{ ansible_all_ipv6_addresses | sort | join(\'\\n\') }}\\n"',
      '        mode: "0644"',
      '',
    ].join('\n'),
  );
}

describe.skipIf(why !== undefined)('npm run converge over real SSH through the jump host', () => {
  let lab: Lab;
  const domain = fixtureInventory().org.domain;
  const user = fixtureInventory().org.admin.user;
  let targetLog: string;
  let mark: string;
  let converge: { status: number; out: string };
  /** The same converge with plain Ansible's strategy (`--strategy linear`), after the mark was deleted. */
  let linear: { status: number; out: string; marked: boolean };

  beforeAll(async () => {
    lab = new Lab();
    const out = join(lab.dir, 'out');
    const home = join(lab.dir, 'home');
    mark = join(home, 'mark');
    writeArtifacts(out, mark);

    // The deploy account on the jump host and the target: no password, not locked (UsePAM no refuses a locked
    // one), keys from a file of this lab.
    const accounts = lab.accounts('accounts');
    execFileSync('useradd', ['--prefix', accounts, '-M', '-d', home, '-p', '*', '-s', '/bin/sh', user]);
    const uid = Number(
      /^[^:]+:x:(\d+):(\d+):/m.exec(
        readFileSync(join(accounts, 'etc/passwd'), 'utf8')
          .split('\n')
          .find((l) => l.startsWith(`${user}:`))!,
      )![1],
    );
    mkdirSync(home, { mode: 0o755 });
    chownSync(home, uid, uid);
    const etc = Object.fromEntries(
      ['passwd', 'group', 'shadow'].map((f) => [`/etc/${f}`, join(accounts, 'etc', f)]),
    );

    // The controller's ~/.ssh/id_ed25519, as the pipeline writes it from its secret.
    const ctlHome = join(lab.dir, 'controller-home');
    mkdirSync(join(ctlHome, '.ssh'), { recursive: true, mode: 0o700 });
    const key = throwawayKey(join(ctlHome, '.ssh'), 'id_ed25519', 'deploy@pipeline');
    const keys = join(lab.dir, 'authorized');
    mkdirSync(keys, { mode: 0o755 });
    writeFileSync(join(keys, user), readFileSync(`${key}.pub`), { mode: 0o644 });

    const controller = lab.namespace('ctl');
    const jump = lab.namespace('jump');
    const target = lab.namespace('tgt');
    lab.link(controller, jump, 'fd24:1');
    lab.link(jump, target, 'fd24:2');
    const hosts = join(lab.dir, 'hosts');
    writeFileSync(hosts, `127.0.0.1 localhost\nfd24:1::2 ${JUMP}.${domain}\nfd24:2::2 ${TARGET}.${domain}\n`);

    const knownHosts = join(lab.dir, 'known_hosts');
    let pinned = '';
    for (const [name, ns, address, extra] of [
      [JUMP, jump, 'fd24:1::2', ['ForceCommand /bin/false', 'AllowTcpForwarding yes']],
      [TARGET, target, 'fd24:2::2', ['AllowTcpForwarding no']],
    ] as const) {
      const hostKey = throwawayKey(lab.dir, `${name}-host`, name);
      pinned += `${name}.${domain} ${readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
      const sshd = await lab.sshd(
        ns,
        name,
        [
          `ListenAddress [${address}]:22`,
          `HostKey ${hostKey}`,
          `AuthorizedKeysFile ${keys}/%u`,
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'LogLevel VERBOSE',
          ...extra,
        ],
        { ...etc, '/etc/hosts': hosts },
      );
      if (name === TARGET) targetLog = sshd.log;
    }
    writeFileSync(knownHosts, pinned);

    const run = (extra: readonly string[]): { status: number; out: string } => {
      const argv = lab.command(controller, { '/etc/hosts': hosts, [homedir()]: ctlHome }, [
        'npm',
        'run',
        '--silent',
        'converge',
        '--',
        '--inventory',
        resolve(FIXTURE),
        '--out',
        out,
        '--limit',
        TARGET,
        '--known-hosts',
        knownHosts,
        ...extra,
      ]);
      const r = spawnSync(argv[0]!, argv.slice(1), {
        encoding: 'utf8',
        env: { ...process.env, CONVERGE_USER: '', CONVERGE_KNOWN_HOSTS: '' },
        timeout: 120_000,
      });
      // The daemons' logs go with the command's output, so a failure says which hop refused.
      const logs = [JUMP, TARGET].map(
        (h) => `--- sshd ${h}:\n${readFileSync(join(lab.dir, `${h}.sshd.log`), 'utf8')}`,
      );
      return { status: r.status ?? -1, out: [`${r.stdout}${r.stderr}`, ...logs].join('\n') };
    };
    converge = run([]);
    const addresses = existsSync(mark) ? readFileSync(mark, 'utf8') : '';
    rmSync(mark, { force: true });
    linear = { ...run(['--strategy', 'linear']), marked: existsSync(mark) };
    writeFileSync(mark, addresses);
  }, 180_000);

  afterAll(() => lab?.close());

  it('runs the playbook on the target and reports it converged', () => {
    expect(converge.out).toContain(`${TARGET}: ok`);
    expect(converge.status, converge.out).toBe(0);
    expect(converge.out).toContain('all 1 VMs converged');
    // The facts in the mark are the target's: its address on the jump host's link, not the controller's.
    const addresses = readFileSync(mark, 'utf8').split('\n');
    expect(addresses).toContain('fd24:2::2');
    expect(addresses).not.toContain('fd24:1::1');
  });

  it('reached the target through the jump host, with the deploy key', () => {
    const log = readFileSync(targetLog, 'utf8');
    expect(log).toMatch(new RegExp(`Accepted publickey for ${user} from fd24:2::1 `));
    expect(log).not.toContain('fd24:1::1');
  });

  it('runs the same way with plain Ansible (--strategy linear), the way back from Mitogen', () => {
    expect(linear.status, linear.out).toBe(0);
    expect(linear.out).toContain('all 1 VMs converged');
    expect(linear.marked).toBe(true);
  });

  it('checks host keys against the generated known_hosts only: nothing was learned on the way', () => {
    expect(existsSync(join(lab.dir, 'controller-home', '.ssh', 'known_hosts'))).toBe(false);
  });
});
