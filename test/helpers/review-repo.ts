// A temporary git repository whose main holds the fixture organisation with members whose keys are throwaway
// keys made here, so tests can sign commits as any member (or as an outsider) and run the review and the gate.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureOrg } from './members.ts';
import { throwawayKey } from './ssh-keys.ts';

export interface ReviewRepo {
  readonly dir: string;
  /** The private key file of `name` (made on first use). */
  key(name: string): string;
  /** The public key line of `name`. */
  pub(name: string): string;
  git(...args: string[]): string;
  /** Rewrites `inventory/<file>.yaml` with `edit`. */
  edit(file: string, edit: (text: string) => string): void;
  /** Commits everything; signed with `sign`'s key when given. Returns the new commit's sha. */
  commit(message: string, sign?: string): string;
  remove(): void;
}

/** A fixed committer identity and no user or system git configuration, for reproducible commits. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Mallory',
  GIT_AUTHOR_EMAIL: 'mallory@test.example.org',
  GIT_COMMITTER_NAME: 'Mallory',
  GIT_COMMITTER_EMAIL: 'mallory@test.example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** The fixture's members (ada, bob: admins; cy: developer) with throwaway keys, committed on main. */
export function reviewRepo(edits: Parameters<typeof fixtureOrg>[0] = {}): ReviewRepo {
  const dir = mkdtempSync(join(tmpdir(), 'review-repo-'));
  const keys = mkdtempSync(join(tmpdir(), 'review-repo-keys-'));
  const made = new Set<string>();
  const key = (name: string): string => {
    if (!made.has(name)) throwawayKey(keys, name, `${name}@test`);
    made.add(name);
    return join(keys, name);
  };
  const pub = (name: string): string => readFileSync(`${key(name)}.pub`, 'utf8').trim();
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
  const edit = (file: string, change: (text: string) => string): void => {
    const path = join(dir, 'inventory', `${file}.yaml`);
    writeFileSync(path, change(readFileSync(path, 'utf8')));
  };
  const commit = (message: string, sign?: string): string => {
    git('add', '-A');
    const signing = sign ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${key(sign)}`] : [];
    execFileSync(
      'git',
      [...signing, 'commit', '--quiet', '--allow-empty', ...(sign ? ['-S'] : []), '-m', message],
      { cwd: dir, env: GIT_ENV },
    );
    return git('rev-parse', 'HEAD').trim();
  };
  git('init', '--quiet', '--initial-branch=main');
  const org = fixtureOrg(edits);
  cpSync(org, join(dir, 'inventory'), { recursive: true });
  rmSync(org, { recursive: true, force: true });
  for (const member of ['ada', 'bob', 'cy'])
    edit('members', (t) => t.replace(new RegExp(`ssh-ed25519 \\S+ ${member}@test`), pub(member)));
  commit('The fixture organisation');
  return {
    dir,
    key,
    pub,
    git,
    edit,
    commit,
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(keys, { recursive: true, force: true });
    },
  };
}
