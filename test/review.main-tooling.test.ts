// The review comment is made by the target branch's tooling: a pull request that edits review/access-review.ts to
// hide a grant still gets the grant in its comment, under a banner naming the changed tooling. The review step's
// commands are read from .drone.yml and run in a clone of this repository, as Drone runs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { TSX } from './helpers/cli.ts';
import { GIT_ENV as ENV } from './helpers/review-repo.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'review-main-tooling-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8' });

interface Step {
  name: string;
  commands: string[];
}
const reviewStep = (): Step => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, '.drone.yml'), 'utf8')).map(
    (d) => d.toJS() as { name: string; steps: Step[] },
  );
  return docs.find((p) => p.name === 'review')!.steps.find((s) => s.name === 'review')!;
};

describe('a pull request that changes the review tooling', () => {
  it("still gets the grant it tries to hide, from main's tooling, under a banner naming the file", () => {
    // main: this repository as committed. The pull request hides the access section and gives auditors sudo.
    const repo = join(dir, 'repo');
    git(dir, 'clone', '--quiet', '--shared', ROOT, repo);
    git(repo, 'checkout', '--quiet', '-B', 'main');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'main');
    git(repo, 'checkout', '--quiet', '-b', 'pr');
    const tool = join(repo, 'review/access-review.ts');
    const hidden = readFileSync(tool, 'utf8').replace(
      'export function renderAccessReview(review: AccessReview): string {\n',
      "export function renderAccessReview(review: AccessReview): string {\n  if (review) return '';\n",
    );
    writeFileSync(tool, hidden);
    const roles = join(repo, 'inventory/roles.yaml');
    writeFileSync(
      roles,
      readFileSync(roles, 'utf8').replace(
        '  - name: auditor\n    description: Reads configuration and state for reviews and audits; changes nothing.\n    ssh: all\n',
        '  - name: auditor\n    description: Reads configuration and state for reviews and audits; changes nothing.\n    ssh: all\n    sudo: true\n',
      ),
    );
    git(repo, 'commit', '--quiet', '-am', 'Tidy the review');
    const pr = git(repo, 'rev-parse', 'HEAD').trim();
    for (const link of ['node_modules', '.gen']) symlinkSync(join(ROOT, link), join(repo, link));

    // The pull request's own tooling says nothing.
    const own = spawnSync(process.execPath, [...TSX, 'cli/access-review.ts', '--base', 'main'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(own.status).toBe(0);
    expect(own.stdout).toBe('');

    // The pipeline: main in .review-base (its dependencies linked instead of npm ci), then the review step.
    git(repo, 'worktree', 'add', '--quiet', '--detach', '.review-base', 'origin/main');
    for (const link of ['node_modules', '.gen'])
      symlinkSync(join(ROOT, link), join(repo, '.review-base', link));
    // What npm ci's postinstall does there: main's commands compiled from main's sources into its dist/.
    const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: join(repo, '.review-base'),
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const run = spawnSync('sh', ['-c', `set -e\n${reviewStep().commands.join('\n')}\n`], {
      cwd: repo,
      env: { ...ENV, DRONE_TARGET_BRANCH: 'main', DRONE_COMMIT_SHA: pr },
      encoding: 'utf8',
    });
    // Sudo on every VM changes every VM's cloud-init: the diff may not fit, and then the review fails for that
    // reason alone (the cut is said at the top), never for another.
    if (run.status !== 0) expect(run.stderr).toMatch(/^review-comment: CUT diff; /m);
    const comment = readFileSync(join(repo, 'cdktf.out/review/comment.md'), 'utf8');
    // First, or right after the notice that the comment is cut.
    expect(comment).toMatch(
      /^(> \[!WARNING\]\n> \*\*This comment is cut\*\*.*\n\n---\n\n)?> \[!IMPORTANT\]\n> \*\*This pull request changes the tooling\*\* \(1 file\)/,
    );
    expect(comment).toContain('> - `review/access-review.ts`');
    expect(comment).toMatch(/- \*\*\w+ gains:\*\* sudo on \d+ VMs already reachable/);
    expect(comment).toContain('**role auditor is redefined');
    expect(comment.indexOf('## Access changes')).toBeLessThan(comment.indexOf('### Synthesized diff'));
  }, 300_000);
});
