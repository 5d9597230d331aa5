// The pull request as a trust boundary in .drone.yml: pipeline:check refuses the pipeline as it was (secrets in
// pull-request steps, installs beside the SSH key, tags without digests) and accepts today's; the real file keeps
// every secret but the comment token out of pull-request builds; a refused gate stops converge.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formatFinding } from '../inventory/findings.ts';
import { checkPipelines, type ProjectFacts } from '../review/pipeline-check.ts';
import { BASE_WORKTREE, COMMENT_SECRET, runsOnPullRequests, secretsOf } from '../review/pipeline-trust.ts';

const ROOT = resolve(import.meta.dirname, '..');
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts,
);
const FACTS: ProjectFacts = { scripts: new Set(scripts), hasLockfile: true };
const DIGEST = `@sha256:${'ab'.repeat(32)}`;
const scratch = mkdtempSync(join(tmpdir(), 'pipeline-trust-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Step {
  name: string;
  image: string;
  commands: string[];
  environment?: Record<string, unknown>;
  when?: { status?: string[] };
}
interface Pipeline {
  name: string;
  trigger?: unknown;
  environment?: unknown;
  steps: Step[];
}

const check = (yaml: string): string[] =>
  checkPipelines(yaml, '.drone.yml', FACTS).findings.map(formatFinding);

const pr = (steps: string): string =>
  `kind: pipeline\ntype: docker\nname: review\ntrigger:\n  event: [pull_request]\nsteps:\n${steps}`;

describe('pipeline:check guards the pull request', () => {
  it('refuses the pipeline file as it was before (f0dfa31): read-only plan secrets, the SSH key, tags', () => {
    const old = execFileSync('git', ['show', 'f0dfa31:.drone.yml'], { cwd: ROOT, encoding: 'utf8' });
    const findings = check(old);
    const about = (text: string) => findings.filter((f) => f.includes(text));
    expect(about('runs on pull requests with the secret converge_ssh_key')).toHaveLength(1);
    expect(about('runs on pull requests with the secret proxmox_ve_api_token_readonly')).toHaveLength(1);
    expect(about('holds gitea_token but does not run the target branch')).toHaveLength(1);
    expect(
      about('installs packages ("apt-get install") while holding the secret converge_ssh_key'),
    ).toHaveLength(2);
    expect(about('is not pinned by digest').length).toBeGreaterThan(10);
  });

  it("accepts today's .drone.yml", () => {
    expect(check(readFileSync(join(ROOT, '.drone.yml'), 'utf8'))).toEqual([]);
  });

  it('a secret at pipeline level, or in any step but the comment, of a pipeline that runs on pull requests', () => {
    const steps = `  - name: plan\n    image: hashicorp/terraform:1.11.4${DIGEST}\n    environment:\n      TOKEN:\n        from_secret: proxmox_ve_api_token_readonly\n    commands: [terraform plan]\n`;
    expect(check(pr(steps))).toEqual([
      '.drone.yml:11:9  review.steps[0].environment.TOKEN  step "plan" runs on pull requests with the secret proxmox_ve_api_token_readonly; a pull request\'s code must never hold a production credential (only gitea_token, for the comment)',
    ]);
    // No trigger at all runs on pull requests too.
    const untriggered = `kind: pipeline\ntype: docker\nname: ci\nenvironment:\n  T:\n    from_secret: x\nsteps: []\n`;
    expect(check(untriggered).join('\n')).toContain(
      'ci.environment.T  runs on pull requests and gives every step',
    );
    expect(runsOnPullRequests({ event: ['push'] })).toBe(false);
    expect(runsOnPullRequests({ event: { exclude: ['pull_request'] } })).toBe(false);
  });

  it("the comment token only in a step whose every command starts in the target branch's worktree", () => {
    const step = (command: string) =>
      `  - name: comment\n    image: node:20${DIGEST}\n    environment:\n      GITEA_TOKEN:\n        from_secret: gitea_token\n    commands:\n      - ${command}\n`;
    expect(check(pr(step('cd .review-base && npx --no-install tsx cli/gitea-comment.ts x.md')))).toEqual([]);
    expect(check(pr(step('npx --no-install tsx cli/gitea-comment.ts x.md')))).toEqual([
      `.drone.yml:13:7  review.steps[0].commands  step "comment" holds gitea_token but does not run the target branch's tooling; expected every command to start with "cd .review-base &&"`,
    ]);
  });

  it('no package install in a step that holds a secret, in any pipeline', () => {
    const deploy = `kind: pipeline\ntype: docker\nname: deploy\ntrigger:\n  event: [push]\nsteps:\n  - name: converge\n    image: node:20${DIGEST}\n    environment:\n      KEY:\n        from_secret: converge_ssh_key\n    commands:\n      - apt-get update && apt-get install -y ansible\n      - pip install ansible-core\n`;
    expect(check(deploy).map((f) => f.split('  ')[0])).toEqual(['.drone.yml:13:9', '.drone.yml:14:9']);
    const withoutSecret = deploy.replace(
      '    environment:\n      KEY:\n        from_secret: converge_ssh_key\n',
      '',
    );
    expect(check(withoutSecret)).toEqual([]);
  });
});

describe('the real .drone.yml', () => {
  const pipelines = parseAllDocuments(readFileSync(join(ROOT, '.drone.yml'), 'utf8')).map(
    (d) => d.toJS() as Pipeline,
  );

  it("gives no pull-request step a secret but the comment token, used from the target branch's worktree", () => {
    const onPr = pipelines.filter((p) => runsOnPullRequests(p.trigger));
    expect(onPr.map((p) => p.name)).toEqual(['review']);
    const review = onPr[0]!;
    expect(secretsOf(review.environment)).toEqual([]);
    const holding = review.steps.filter((s) => secretsOf(s.environment).length > 0);
    expect(holding.map((s) => [s.name, secretsOf(s.environment).map(([, n]) => n)])).toEqual([
      ['comment', [COMMENT_SECRET]],
    ]);
    for (const command of holding[0]!.commands)
      expect(command.startsWith(`cd ${BASE_WORKTREE} &&`)).toBe(true);
    // The worktree is made before any of the pull request's code runs, and that code runs after the comment.
    const names = review.steps.map((s) => s.name);
    expect(names.indexOf('base-tooling')).toBe(0);
    expect(names.indexOf('install')).toBeGreaterThan(names.indexOf('comment'));
  });

  it('every image is pinned by digest', () => {
    for (const p of pipelines) for (const s of p.steps) expect(s.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it('after a refused gate, the converge step stops before touching the key or any VM', () => {
    const deploy = pipelines.find((p) => p.name === 'deploy')!;
    const converge = deploy.steps.find((s) => s.name === 'converge')!;
    expect(converge.when?.status).toContain('failure');
    const ws = join(scratch, 'ws');
    mkdirSync(join(ws, 'cdktf.out'), { recursive: true });
    const home = join(scratch, 'home');
    mkdirSync(home);
    const env = { PATH: process.env.PATH, HOME: home, CONVERGE_SSH_KEY: 'k', CONVERGE_KNOWN_HOSTS_TEXT: 'h' };
    const run = spawnSync('sh', ['-c', `set -e\n${converge.commands.join('\n')}\n`], {
      cwd: ws,
      env,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('No converge: the deploy gate refused this change');
    expect(run.stdout).not.toContain('--- converge site');
    expect(spawnSync('test', ['-e', join(home, '.ssh/id_ed25519')]).status).toBe(1);
    // The gate writes the marker only when every stack passed.
    const gate = deploy.steps.find((s) => s.name === 'gate')!.commands.join('\n');
    expect(gate).toMatch(/if \[ -n "\$refused" \]; then .*exit 1; fi\n\s*touch cdktf.out\/gate.passed/);
    writeFileSync(join(ws, 'cdktf.out/gate.passed'), '');
    const passed = spawnSync('sh', ['-c', `set -e\n${converge.commands.join('\n')}\n`], {
      cwd: ws,
      env: { ...env, CONVERGE_SSH_KEY: '' },
      encoding: 'utf8',
    });
    expect(passed.stdout).toContain(
      'No converge: the secrets converge_ssh_key and converge_known_hosts are not set.',
    );
  });
});
