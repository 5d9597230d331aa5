// The quoting of converge's command lines, judged by the real parsers: Python's shlex (as Ansible splits
// --ssh-common-args), ssh -G (ssh's option and % token reading) and /bin/sh (which runs a ProxyCommand).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { playbookArgs, shellJoin, shellQuote, sshArgs } from '../cli/ssh-command.ts';

/** Splits a command line as Ansible does for --ssh-common-args. */
function shlexSplit(line: string): string[] {
  const r = spawnSync(
    'python3',
    ['-c', 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))', line],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as string[];
}

/** The words /bin/sh makes of a command line. */
function shWords(line: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

/** ssh's resolved configuration for these arguments, as `ssh -G` prints it. */
function sshConfig(args: readonly string[]): Map<string, string> {
  const r = spawnSync('ssh', ['-G', '-F', '/dev/null', ...args, 'target.example.org'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return new Map(r.stdout.split('\n').map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)]));
}

/** What ssh does to a ProxyCommand before the shell sees it: %h and %p filled in, %% made one %. */
function expandTokens(command: string): string {
  return command.replace(/%([%hp])/g, (_, t: string) =>
    t === '%' ? '%' : t === 'h' ? 'target.example.org' : '22',
  );
}

const AWKWARD = ['/srv/keys/known_hosts', "/tmp/it's here/known hosts", '/tmp/100%/k%h$HOME`id`'];

describe('shellQuote', () => {
  it.each(['plain', '', 'two words', "it's", '$HOME', '`id`', 'a\nb', '%h:%p', '--opt=a b', '*'])(
    'gives back %j after a shell and after shlex',
    (word) => {
      expect(shWords(shellQuote(word))).toEqual([word]);
      expect(shlexSplit(shellJoin([word, 'next']))).toEqual([word, 'next']);
    },
  );

  it('leaves plain words unquoted, so printed commands stay readable', () => {
    expect(shellJoin(['-o', 'StrictHostKeyChecking=yes', 'deploy@jump.example.org'])).toBe(
      '-o StrictHostKeyChecking=yes deploy@jump.example.org',
    );
  });
});

describe('sshArgs', () => {
  it.each(AWKWARD)('pins the known_hosts file %j for ssh itself', (knownHosts) => {
    const words = shlexSplit(shellJoin(sshArgs({ knownHosts, user: 'deploy' })));
    const config = sshConfig(words);
    expect(config.get('stricthostkeychecking')).toBe('true');
    expect(config.get('userknownhostsfile')).toBe(knownHosts);
  });

  it.each(AWKWARD)('hands the jump host the same file %j through the ProxyCommand', (knownHosts) => {
    const words = shlexSplit(shellJoin(sshArgs({ knownHosts, user: 'deploy', jump: 'jump.example.org' })));
    const proxy = sshConfig(words).get('proxycommand')!;
    const inner = shWords(expandTokens(proxy));
    expect(inner[0]).toBe('ssh');
    expect(inner.slice(-3)).toEqual(['-W', 'target.example.org:22', 'deploy@jump.example.org']);
    const config = sshConfig(inner.slice(1, -3));
    expect(config.get('stricthostkeychecking')).toBe('true');
    expect(config.get('userknownhostsfile')).toBe(knownHosts);
  });

  it('refuses a file name ssh cannot read back', () => {
    expect(() => sshArgs({ knownHosts: '/tmp/a"b', user: 'deploy' })).toThrow(/double quote/);
  });
});

describe('playbookArgs', () => {
  it('keeps --ssh-common-args one argument and passes --check and --diff', () => {
    const args = playbookArgs({
      knownHosts: '/tmp/known hosts',
      user: 'deploy',
      jump: 'jump.example.org',
      inventoryFile: '/out/inventory.yml',
      playbook: '/out/vms/web.yml',
      check: true,
      diff: false,
    });
    const at = args.indexOf('--ssh-common-args');
    expect(args.slice(0, 4)).toEqual(['-i', '/out/inventory.yml', '-u', 'deploy']);
    expect(shlexSplit(args[at + 1]!).filter((w) => w.startsWith('ProxyCommand='))).toHaveLength(1);
    expect(args.slice(at + 2)).toEqual(['--check', '/out/vms/web.yml']);
  });
});
