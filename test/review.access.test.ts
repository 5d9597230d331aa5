// The review's access section and the proof of key possession, on a real git repository with real SSH-signed
// commits (git commit -S, gpg.format ssh) made with throwaway keys; and the deploy gate refusing an unproven key.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratchDir } from './helpers/scratch.ts';
import { loadInventory } from '../model/load.ts';
import { renderAccessReview, reviewAccess } from '../review/access-review.ts';
import { allowedSigners } from '../review/key-proof.ts';
import { addMember } from '../members/edit.ts';
import { FIXTURE_TODAY, fixtureOrg } from './helpers/members.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const keys = scratchDir('review-keys-');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Alice Liddell',
  GIT_AUTHOR_EMAIL: 'alice@test.example.org',
  GIT_COMMITTER_NAME: 'Alice Liddell',
  GIT_COMMITTER_EMAIL: 'alice@test.example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

const keygen = (name: string): string => throwawayKey(keys, name);

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' });
}

/** A repository whose main holds the fixture org, and a branch that onboards alice, committed as `sign` says. */
function onboardingRepo(sign: string | undefined): string {
  const repo = scratchDir('review-access-repo-');
  git(repo, 'init', '--quiet', '--initial-branch=main');
  cpSync(fixtureOrg(), join(repo, 'inventory'), { recursive: true });
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'The fixture organisation');
  git(repo, 'checkout', '--quiet', '-b', 'onboard-alice');
  const file = join(repo, 'inventory', 'members.yaml');
  const member = {
    user: 'alice',
    name: 'Alice Liddell',
    email: 'alice@test.example.org',
    keys: [readFileSync(`${join(keys, 'alice')}.pub`, 'utf8').trim()],
    roles: ['developer'],
    since: FIXTURE_TODAY,
    sponsor: 'bob',
  };
  writeFileSync(file, addMember(readFileSync(file, 'utf8'), member));
  git(repo, 'add', '.');
  const signing = sign ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${join(keys, sign)}`] : [];
  execFileSync('git', [...signing, 'commit', '--quiet', ...(sign ? ['-S'] : []), '-m', 'Onboard alice'], {
    cwd: repo,
    env,
  });
  return repo;
}

function review(repo: string) {
  const head = loadInventory(join(repo, 'inventory'), { today: FIXTURE_TODAY }).inventory!;
  return reviewAccess(repo, 'main', 'HEAD', 'inventory', head);
}

describe('key possession and the access section', () => {
  beforeAll(() => {
    keygen('alice');
    keygen('eve');
  });

  it('a commit signed with the new key proves it; git verify-commit agrees with the allowed-signers file', () => {
    const repo = onboardingRepo('alice');
    const result = review(repo);
    expect(result.proofs).toHaveLength(1);
    expect(result.proofs[0]!.possession?.sha).toBe(git(repo, 'rev-parse', 'HEAD').trim());
    // Possession alone: bob, the sponsor, has not co-signed.
    expect(result.proofs[0]!.consent).toBeUndefined();
    const signers = join(repo, 'allowed_signers');
    const head = loadInventory(join(repo, 'inventory'), { today: FIXTURE_TODAY }).inventory!;
    writeFileSync(signers, allowedSigners(head.members)); // the head's file knows alice, so git says Good
    const verify = spawnSync(
      'git',
      ['-c', `gpg.ssh.allowedSignersFile=${signers}`, 'verify-commit', 'HEAD'],
      {
        cwd: repo,
        env,
        encoding: 'utf8',
      },
    );
    expect(verify.status).toBe(0);
    expect(verify.stderr).toContain('Good "git" signature for alice@test.example.org');

    const text = renderAccessReview(result);
    expect(text.split('\n').slice(0, 3)).toEqual([
      '## Access changes',
      '',
      '- **alice gains:** SSH without sudo on 2 VMs (git, runner), PVEVMUser on /vms/103 (cluster ceph), forge team developers',
    ]);
    expect(text).toMatch(
      /- \*\*key not proven: alice's new key SHA256:\S+ needs a commit signed with a key alice's sponsor bob had at the base\*\*\n/,
    );
  });

  it('an unsigned commit proves nothing: the section says so in bold, and why the gate will refuse', () => {
    const text = renderAccessReview(review(onboardingRepo(undefined)));
    expect(text).toMatch(
      /- \*\*key not proven: alice's new key SHA256:\S+ needs a commit signed with the new key \(git config gpg.format ssh; .*\) and a commit signed with a key alice's sponsor bob had at the base\*\*/,
    );
    expect(text).toMatch(
      /The deploy gate refuses this change until each of these is proven or a reviewed commit carries its trailer: `Allow-Access: key\/alice\/SHA256:\S+`, `Allow-Access: grant\/alice`\./,
    );
  });

  it("a commit signed by a key that is not the new one proves nothing (unknown key, or another member's)", () => {
    expect(review(onboardingRepo('eve')).proofs[0]!.possession).toBeUndefined();
    // ada's key is in the allowed signers (a good signature), but it is not alice's key.
    const adaKey = keygen('ada-real');
    const repo = onboardingRepo(undefined);
    const file = join(repo, 'inventory', 'members.yaml');
    const text = readFileSync(file, 'utf8').replace(
      /- ssh-ed25519 \S+ ada@test/,
      `- ${readFileSync(`${adaKey}.pub`, 'utf8').trim()}`,
    );
    writeFileSync(file, text);
    execFileSync(
      'git',
      [
        '-c',
        'gpg.format=ssh',
        '-c',
        `user.signingkey=${adaKey}`,
        'commit',
        '--quiet',
        '-S',
        '-am',
        'ada signs',
      ],
      {
        cwd: repo,
        env,
      },
    );
    const result = review(repo);
    // ada's replaced key is new too; its possession is shown, alice's is not.
    expect(result.proofs.map((p) => [p.key.user, p.possession !== undefined])).toEqual([
      ['ada', true],
      ['alice', false],
    ]);
  });

  it('no access change, no section', () => {
    const repo = onboardingRepo('alice');
    const head = loadInventory(join(repo, 'inventory'), { today: FIXTURE_TODAY }).inventory!;
    expect(renderAccessReview(reviewAccess(repo, 'HEAD', 'HEAD', 'inventory', head))).toBe('');
  });
});
