// plan:summary and deploy:gate on a real plan made here by terraform (or tofu) from terraform_data resources,
// and on a small committed plan of the Proxmox stack.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowDestroyTrailers, decide, type Protections, renderDecision } from '../review/deploy-gate.ts';
import { type Plan, parsePlan, readPlan } from '../review/plan.ts';
import { summarizePlan } from '../review/plan-summary.ts';
import { compiled } from './helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test/fixtures/review/plan/cluster-alpha-db1-removed.json');

function findEngine(): string | undefined {
  for (const bin of ['terraform', 'tofu']) {
    if (spawnSync(bin, ['version'], { encoding: 'utf8' }).status === 0) return bin;
  }
  return undefined;
}
const ENGINE = findEngine();
if (!ENGINE)
  console.warn('review.plan.test: no terraform or tofu binary on PATH; the real-plan tests are skipped');

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const FIRST = `
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "grow" { input = { memory = 4, password = "hunter2" } }
resource "terraform_data" "rebuild" {
  input            = "v1"
  triggers_replace = ["image-1"]
}
resource "terraform_data" "gone" { input = "old data" }
variable "token" {
  type      = string
  sensitive = true
  default   = "first-token-value"
}
resource "terraform_data" "secret" { input = var.token }
`;

const SECOND = `
resource "terraform_data" "keep" { input = "same" }
resource "terraform_data" "grow" { input = { memory = 8, password = "hunter3" } }
resource "terraform_data" "rebuild" {
  input            = "v1"
  triggers_replace = ["image-2"]
}
resource "terraform_data" "fresh" { input = "new" }
variable "token" {
  type      = string
  sensitive = true
  default   = "second-token-value"
}
resource "terraform_data" "secret" { input = var.token }
`;

/** Applies FIRST with a local backend, then plans SECOND: create, update, replace and delete in one plan. */
function realPlan(engine: string): { plan: Plan; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'review-plan-'));
  temps.push(dir);
  const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
  const run = (...args: string[]): string => {
    const r = spawnSync(engine, args, { cwd: dir, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${engine} ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  writeFileSync(join(dir, 'main.tf'), FIRST);
  run('init', '-input=false', '-no-color');
  run('apply', '-auto-approve', '-input=false', '-no-color');
  writeFileSync(join(dir, 'main.tf'), SECOND);
  run('plan', '-input=false', '-no-color', '-out=plan.tfplan');
  const json = run('show', '-json', 'plan.tfplan');
  const file = join(dir, 'plan.json');
  writeFileSync(file, json);
  return { plan: parsePlan(JSON.parse(json), file), file };
}

describe.skipIf(!ENGINE)(`a real ${ENGINE ?? 'terraform'} plan`, () => {
  let plan: Plan;
  let file: string;
  beforeAll(() => {
    ({ plan, file } = realPlan(ENGINE!));
  });

  it('is summarized with counts, destroys first, replace reasons and no secret', () => {
    const md = summarizePlan(plan, { title: 'Plan: `demo`' });
    const lines = md.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      '### Plan: `demo`',
      '',
      '> [!CAUTION]',
      '> **1 to destroy, 1 to replace**: the data in these is gone after apply.',
      '>',
      '> - **destroy** `terraform_data.gone`',
      '> - **replace** `terraform_data.rebuild`',
      '',
    ]);
    expect(lines[8]).toMatch(
      /^\*\*1 to create, 2 to update, 1 to replace, 1 to destroy\*\* \(Terraform\/OpenTofu \d/,
    );
    const entries = lines.filter((l) => l.startsWith('- '));
    expect(entries).toEqual([
      '- **destroy** `terraform_data.gone` — it is no longer in the configuration',
      '- **replace** `terraform_data.rebuild` — `triggers_replace` forces replacement; the provider cannot update it in place',
      '- update `terraform_data.grow`',
      '- update `terraform_data.secret`',
      '- create `terraform_data.fresh`',
    ]);
    expect(md).toContain('  - `input.memory`: `4` → `8`\n');
    expect(md).toContain('  - `input.password`: (sensitive) changed\n');
    expect(md).toContain('  - `triggers_replace`: `["image-1"]` → `["image-2"]`\n');
    for (const secret of ['hunter2', 'hunter3', 'first-token-value', 'second-token-value']) {
      expect(md).not.toContain(secret);
    }
    expect(md).not.toContain('terraform_data.keep');
  });

  it('is refused by the gate when it destroys or replaces a protected resource', () => {
    const protections: Protections = new Map([
      ['terraform_data.gone', ['inventory: protected VM gone']],
      ['terraform_data.rebuild', ['lifecycle.prevent_destroy']],
      ['terraform_data.grow', ['inventory: protected VM grow']],
    ]);
    const refused = decide(plan, 'demo', protections, []);
    expect(refused.ok).toBe(false);
    expect(renderDecision(refused, 'abc1234')).toEqual([
      'deploy-gate: REFUSED demo: the plan would destroy 2 protected resources and commit abc1234 carries no Allow-Destroy trailer for them',
      '  destroy  terraform_data.gone  (inventory: protected VM gone)',
      '  replace  terraform_data.rebuild  (lifecycle.prevent_destroy)',
      'If this is intended, land a reviewed commit on the deployed branch whose message ends with:',
      '  Allow-Destroy: demo/terraform_data.gone',
      '  Allow-Destroy: demo/terraform_data.rebuild',
    ]);
    const allowed = decide(plan, 'demo', protections, ['demo/terraform_data.gone', 'terraform_data.rebuild']);
    expect(allowed.ok).toBe(true);
    expect(renderDecision(allowed, 'abc1234')).toEqual([
      'deploy-gate: OK demo: 5 changes; allowed by Allow-Destroy: destroy terraform_data.gone, replace terraform_data.rebuild',
    ]);
  });

  it('passes the gate when nothing protected goes, and plan:summary reads the file', () => {
    expect(renderDecision(decide(plan, 'demo', new Map(), []), 'abc1234')).toEqual([
      'deploy-gate: OK demo: 5 changes; no protected resource destroyed or replaced',
    ]);
    const run = spawnSync(process.execPath, [compiled('cli/plan-summary.ts'), file, '--max-lines', '3'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      '\n- **destroy** `terraform_data.gone` — it is no longer in the configuration\n',
    );
    expect(run.stdout).toMatch(
      /\n… 4 more entries not shown \(over 3 lines\); the CI log has the whole plan/,
    );
  });
});

describe('plan summary of the committed Proxmox plan', () => {
  it('puts drift in its own section', () => {
    const md = summarizePlan(readPlan(FIXTURE));
    expect(md.trimEnd().split('\n').slice(-6)).toEqual([
      '#### Drift: 1 changed outside Terraform',
      '',
      'Terraform found these different from its state; the plan above already accounts for them.',
      '',
      '- changed outside `proxmox_virtual_environment_vm.gitea`',
      '  - `memory[0].dedicated`: `8192` → `12288`',
    ]);
  });

  it('cuts a huge plan with a note and says so when there is nothing to do', () => {
    const many = parsePlan(
      {
        format_version: '1.2',
        resource_changes: Array.from({ length: 500 }, (_, i) => ({
          address: `terraform_data.r${String(i).padStart(3, '0')}`,
          type: 'terraform_data',
          change: { actions: ['create'], before: null, after: { input: i } },
        })),
      },
      'many.json',
    );
    const md = summarizePlan(many, { maxLines: 10 });
    expect(md.split('\n').filter((l) => l.startsWith('- create '))).toHaveLength(10);
    expect(md).toContain('**500 to create, 0 to update, 0 to replace, 0 to destroy**');
    expect(md).toContain('… 490 more entries not shown (over 10 lines)');
    const none = parsePlan({ format_version: '1.2', resource_changes: [] }, 'none.json');
    expect(summarizePlan(none)).toContain('No changes: the infrastructure matches the configuration.');
  });

  it('rejects a file that is not plan JSON, naming the file', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'review-plan-bad-')), 'plan.json');
    temps.push(resolve(bad, '..'));
    writeFileSync(bad, '{"resource_changes": 3}');
    const run = spawnSync(process.execPath, [compiled('cli/plan-summary.ts'), bad], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`plan:summary: ${bad}: format_version:`);
  });
});

describe('deploy gate', () => {
  it('reads Allow-Destroy trailers, key case-insensitive', () => {
    expect(
      allowDestroyTrailers(
        'Retire db1\n\nIts data moved to db3.\n\nallow-destroy: cluster-alpha/proxmox_virtual_environment_vm.db1\nSigned-off-by: A <a@example.org>\n',
      ),
    ).toEqual(['cluster-alpha/proxmox_virtual_environment_vm.db1']);
  });

  function gitRepo(message: string): string {
    const repo = mkdtempSync(join(tmpdir(), 'review-gate-repo-'));
    temps.push(repo);
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.org',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.org',
    };
    // The inventory lives in the repository, deployed at the first commit; the second is the one deployed now.
    cpSync(join(ROOT, 'test/fixtures/org'), join(repo, 'inventory'), { recursive: true });
    spawnSync('git', ['init', '--quiet'], { cwd: repo, env });
    spawnSync('git', ['add', '.'], { cwd: repo, env });
    spawnSync('git', ['commit', '--quiet', '-m', 'Deployed'], { cwd: repo, env });
    spawnSync('git', ['commit', '--quiet', '--allow-empty', '-m', message], { cwd: repo, env });
    return repo;
  }

  function gate(repo: string, ...extra: string[]) {
    return spawnSync(
      process.execPath,
      [
        compiled('cli/deploy-gate.ts'),
        FIXTURE,
        '--stack',
        'cluster-ceph',
        '--inventory',
        'inventory',
        '--deployed',
        'HEAD~1',
        '--main',
        'HEAD',
        ...extra,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
  }

  it('refuses to destroy a VM the inventory protects, naming the trailer that would allow it', () => {
    const repo = gitRepo('Remove db1 from the inventory');
    const run = gate(repo);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^deploy-gate: REFUSED cluster-ceph: the plan would destroy 1 protected resource and commit [0-9a-f]{7} carries no Allow-Destroy trailer for it$/,
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        /^ {2}destroy {2}proxmox_virtual_environment_vm\.db1 {2}\(Proxmox protection flag in the state; inventory: protected VM db1; protected VM db1 at the deployed revision [0-9a-f]{7}\)$/,
      ),
      'If this is intended, land a reviewed commit on the deployed branch whose message ends with:',
      '  Allow-Destroy: cluster-ceph/proxmox_virtual_environment_vm.db1',
    ]);
  });

  it('lets it through when the deployed commit carries the trailer', () => {
    const repo = gitRepo('Retire db1\n\nAllow-Destroy: cluster-ceph/proxmox_virtual_environment_vm.db1\n');
    const run = gate(repo, '--commit', 'HEAD');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'deploy-gate: OK cluster-ceph: 3 changes; allowed by Allow-Destroy: destroy proxmox_virtual_environment_vm.db1',
    );
  });

  it('prints the deploy order: clusters as the inventory lists them', () => {
    const empty = mkdtempSync(join(tmpdir(), 'review-no-synth-'));
    temps.push(empty);
    const run = spawnSync(
      process.execPath,
      [
        compiled('cli/deploy-gate.ts'),
        '--list-stacks',
        '--inventory',
        join(ROOT, 'test/fixtures/org'),
        '--synth-dir',
        empty,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('cluster-ceph\ncluster-solo\n');
  });
});
