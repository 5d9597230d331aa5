// The synthesized diff: line diff, resource diff with replacements and protection, rendering, and the
// `npm run diff` worktree path on a throw-away git repository whose synth is a stub.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSynthOutputs } from '../review/diff.ts';
import { renderMarkdown, renderText } from '../review/diff-render.ts';
import { diffLines, unifiedDiff } from '../review/line-diff.ts';
import { maskText } from '../review/mask.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import { compiled } from './helpers/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/review/diff');
const DB1 = { stack: 'cluster-alpha', address: 'proxmox_virtual_environment_vm.db1', vm: 'db1' };

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function fixtureReport() {
  return diffSynthOutputs(readSynthOutput(join(FIXTURES, 'base')), readSynthOutput(join(FIXTURES, 'head')), {
    protectedResources: [DB1],
  });
}

describe('line diff', () => {
  it('finds the shortest edit script, keeping common lines', () => {
    const edits = diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e']);
    expect(edits.map((e) => `${e.kind[0]}${e.line}`)).toEqual(['ea', 'db', 'ec', 'ed', 'ie']);
  });

  it('prints hunks the way diff -u does, with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n');
    const after = before.replace('2', 'two').replace('11', 'eleven');
    expect(unifiedDiff(`${before}\n`, `${after}\n`, 'a/f', 'b/f').lines).toEqual([
      '--- a/f',
      '+++ b/f',
      '@@ -1,5 +1,5 @@',
      ' 1',
      '-2',
      '+two',
      ' 3',
      ' 4',
      ' 5',
      '@@ -8,5 +8,5 @@',
      ' 8',
      ' 9',
      ' 10',
      '-11',
      '+eleven',
      ' 12',
    ]);
  });

  it('says nothing for equal texts and names a difference only in the final newline', () => {
    expect(unifiedDiff('a\n', 'a\n', 'x', 'y').lines).toEqual([]);
    expect(unifiedDiff('a\n', 'a', 'x', 'y').lines[2]).toBe(
      '(only the newline at the end of the file differs)',
    );
  });
});

describe('masking', () => {
  it('hides secret values in text artifacts but keeps public keys and booleans', () => {
    // A made-up artifact with secrets in it (the key is not a real one), kept as a fixture file.
    const text = readFileSync('test/fixtures/review/bad-artifact-with-secrets.txt', 'utf8').trimEnd();
    expect(maskText(text).split('\n')).toEqual([
      'password = (masked)',
      'lock_passwd: true',
      '  hashed_passwd: (masked)',
      'ssh_authorized_keys:',
      '  - ssh-ed25519 AAAAC3Nza admin@example.org',
      'url: postgres://infra:(masked)@db.example.org/state',
      '(private key masked)',
    ]);
  });
});

describe('resource diff of two synth outputs', () => {
  it('shouts the protected destroy first, then lists each stack: destroys, replacements, updates, creations', () => {
    const text = renderText(fixtureReport(), { title: 'base → head' });
    const lines = text.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      'Synthesized diff: base → head',
      '3 stacks (1 changed, 1 added, 1 removed, 0 unchanged); resources: 3 to create, 1 to update, 2 to replace, 2 to destroy; artifacts: 1 added, 2 changed, 0 removed',
      '',
      '!! DESTROYS PROTECTED: 1 protected resource would be destroyed or replaced',
      '!!   destroy  cluster-alpha  proxmox_virtual_environment_vm.db1  (inventory: protected VM db1)',
      '!! The deploy pipeline refuses this unless the deployed commit carries, for each, a trailer like:',
      '!!   Allow-Destroy: cluster-alpha/proxmox_virtual_environment_vm.db1',
      '!! WARNING cluster-old  proxmox_virtual_environment_vm.legacy: lifecycle.prevent_destroy; its stack is gone, so the pipeline no longer manages it (nothing is destroyed)',
      '',
    ]);
    const stack = lines.indexOf('cluster-alpha: 2 to create, 1 to update, 2 to replace, 2 to destroy');
    expect(stack).toBeGreaterThan(0);
    const entries = lines.slice(stack + 1).filter((l) => /^ {2}\S/.test(l));
    expect(entries.slice(0, 7)).toEqual([
      '  -   destroy   proxmox_virtual_environment_file.db1-user-data',
      '  -   destroy   proxmox_virtual_environment_vm.db1  [protected]',
      '  -/+ replace   proxmox_virtual_environment_file.proxy1-user-data',
      '  -/+ replace   proxmox_virtual_environment_vm.proxy1',
      '  ~   update    proxmox_virtual_environment_vm.gitea',
      '  +   create    proxmox_virtual_environment_file.wiki-user-data',
      '  +   create    proxmox_virtual_environment_vm.wiki',
    ]);
    expect(text).toContain(
      '  ~   update    proxmox_virtual_environment_vm.gitea\n        memory.dedicated: 8192 → 16384\n',
    );
  });

  it('marks a replacement when a replace-forcing attribute changes, also through a reference', () => {
    const report = fixtureReport();
    const alpha = report.stacks.find((s) => s.stack === 'cluster-alpha')!;
    const file = alpha.changes.find(
      (c) => c.address === 'proxmox_virtual_environment_file.proxy1-user-data',
    )!;
    expect(file.action).toBe('replace');
    expect(file.replaceReasons).toEqual(['`source_raw.data` forces replacement']);
    // bpg/proxmox: user_data_file_id is ForceNew, and the re-uploaded snippet's id is unknown at plan time.
    const vm = alpha.changes.find((c) => c.address === 'proxmox_virtual_environment_vm.proxy1')!;
    expect(vm.action).toBe('replace');
    expect(vm.replaceReasons).toEqual([
      '`initialization.user_data_file_id` refers to `proxmox_virtual_environment_file.proxy1-user-data`, which is replaced',
    ]);
  });

  it('never prints a secret: attributes by name, artifacts by line', () => {
    const text = renderText(fixtureReport(), { title: 't' });
    expect(text).toContain('        initialization.user_account.password: (sensitive) changed\n');
    expect(text).toContain('  ~ icinga2/api-users.conf  (+0 -0)\n      (only masked values changed)\n');
    for (const secret of ['old-password', 'new-password', 'first-secret', 'second-secret']) {
      expect(text).not.toContain(secret);
      expect(renderMarkdown(fixtureReport(), { title: 't' })).not.toContain(secret);
    }
  });

  it('treats a removed stack as unmanaged, not destroyed, and an added stack as all new', () => {
    const report = fixtureReport();
    const old = report.stacks.find((s) => s.stack === 'cluster-old')!;
    expect(old.status).toBe('removed');
    expect(old.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'unmanaged proxmox_virtual_environment_vm.legacy',
    ]);
    const added = report.stacks.find((s) => s.stack === 'cluster-new')!;
    expect(added.counts).toEqual({ create: 1, update: 0, replace: 0, delete: 0 });
  });

  it('diffs artifacts as unified diffs', () => {
    const gitea = fixtureReport().artifacts.find((a) => a.path === 'cloud-init/gitea.yaml')!;
    expect(gitea.status).toBe('changed');
    expect(gitea.diff?.lines).toEqual([
      '--- a/cloud-init/gitea.yaml',
      '+++ b/cloud-init/gitea.yaml',
      '@@ -4,3 +4,4 @@',
      ' timezone: Europe/Berlin',
      ' packages:',
      '   - qemu-guest-agent',
      '+  - unattended-upgrades',
    ]);
  });

  it('puts the CAUTION block with the allowing trailer at the top of the Markdown', () => {
    const md = renderMarkdown(fixtureReport(), { title: '`origin/main` → this change' }).split('\n');
    expect(md.slice(0, 11)).toEqual([
      '### Synthesized diff: `origin/main` → this change',
      '',
      '> [!CAUTION]',
      '> **DESTROYS PROTECTED**: 1 protected resource would be destroyed or replaced.',
      '>',
      '> - **destroy** `cluster-alpha` `proxmox_virtual_environment_vm.db1`: inventory: protected VM db1',
      '>',
      '> The deploy pipeline refuses this unless the deployed commit carries, for each one, a trailer:',
      '>',
      '> `Allow-Destroy: cluster-alpha/proxmox_virtual_environment_vm.db1`',
      '',
    ]);
    expect(md).toContain('| `cluster-alpha` | 2 | 1 | 2 | 2 |');
    expect(md).toContain('  - `memory.dedicated`: `8192` → `16384`');
  });

  it('reports nothing for identical outputs', () => {
    const same = readSynthOutput(join(FIXTURES, 'head'));
    const report = diffSynthOutputs(same, same);
    expect(report.protectedDestroys).toEqual([]);
    expect(renderText(report, { title: 't' })).toContain('\nNo changes in the synthesized output.\n');
  });
});

describe('npm run diff on a git repository', () => {
  function git(cwd: string, ...args: string[]): string {
    const r = spawnSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.org',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.org',
      },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  function repoWithTwoSynthOutputs(): string {
    const repo = mkdtempSync(join(tmpdir(), 'review-diff-repo-'));
    temps.push(repo);
    git(repo, 'init', '--quiet', '--initial-branch=main');
    // The fixture organisation, where db1 is protected in cluster ceph.
    cpSync(join(ROOT, 'test/fixtures/org'), join(repo, 'inventory'), { recursive: true });
    // The stub synth copies `fixture/` into --out, which is all the diff needs from a synth.
    writeFileSync(
      join(repo, 'synth.mjs'),
      [
        "import { cpSync } from 'node:fs';",
        "const out = process.argv[process.argv.indexOf('--out') + 1];",
        "cpSync('fixture', out, { recursive: true });",
        '',
      ].join('\n'),
    );
    const stacks = join(repo, 'fixture/stacks/cluster-ceph');
    const artifacts = join(repo, 'fixture/artifacts/cloud-init');
    mkdirSync(stacks, { recursive: true });
    mkdirSync(artifacts, { recursive: true });
    const vm = (name: string, id: number, memory: number) => ({
      memory: { dedicated: memory },
      name,
      node_name: 'alpha1',
      vm_id: id,
    });
    const write = (vms: Record<string, unknown>, cloudInit: string) => {
      writeFileSync(
        join(stacks, 'cdk.tf.json'),
        JSON.stringify({ resource: { proxmox_virtual_environment_vm: vms } }, null, 2),
      );
      writeFileSync(join(artifacts, 'gitea.yaml'), cloudInit);
    };
    write(
      { db1: vm('db1', 1109, 32768), gitea: vm('gitea', 1103, 8192) },
      '#cloud-config\nhostname: gitea\n',
    );
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'base');
    // The second commit: gitea grows, db1 (protected in the inventory) goes, wiki comes, cloud-init changes.
    write(
      { gitea: vm('gitea', 1103, 16384), wiki: vm('wiki', 1112, 4096) },
      '#cloud-config\nhostname: gitea\ntimezone: UTC\n',
    );
    git(repo, 'commit', '--quiet', '-am', 'change');
    return repo;
  }

  it('synthesizes the base commit in a worktree, diffs it against the checkout and removes the worktree', () => {
    const repo = repoWithTwoSynthOutputs();
    const run = spawnSync(
      process.execPath,
      [compiled('cli/diff.ts'), '--base', 'HEAD~1', '--synth-command', 'node synth.mjs', '--fail-on-destroy'],
      { cwd: repo, encoding: 'utf8' },
    );
    expect(run.stderr).toMatch(/^diff: synthesizing HEAD~1 \([0-9a-f]{7}\) and the working tree\n$/);
    expect(run.status).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Synthesized diff: HEAD~1 \([0-9a-f]{7}\) → working tree$/);
    expect(lines.slice(1)).toEqual([
      '1 stack (1 changed, 0 added, 0 removed, 0 unchanged); resources: 1 to create, 1 to update, 0 to replace, 1 to destroy; artifacts: 0 added, 1 changed, 0 removed',
      '',
      '!! DESTROYS PROTECTED: 1 protected resource would be destroyed or replaced',
      '!!   destroy  cluster-ceph  proxmox_virtual_environment_vm.db1  (inventory: protected VM db1)',
      '!! The deploy pipeline refuses this unless the deployed commit carries, for each, a trailer like:',
      '!!   Allow-Destroy: cluster-ceph/proxmox_virtual_environment_vm.db1',
      '',
      'cluster-ceph: 1 to create, 1 to update, 0 to replace, 1 to destroy',
      '  -   destroy   proxmox_virtual_environment_vm.db1  [protected]',
      '  ~   update    proxmox_virtual_environment_vm.gitea',
      '        memory.dedicated: 8192 → 16384',
      '  +   create    proxmox_virtual_environment_vm.wiki',
      '        memory.dedicated: 4096',
      '        name: "wiki"',
      '        node_name: "alpha1"',
      '        vm_id: 1112',
      '',
      'artifacts: 0 added, 1 changed, 0 removed',
      '  ~ cloud-init/gitea.yaml  (+1 -0)',
      '      --- a/cloud-init/gitea.yaml',
      '      +++ b/cloud-init/gitea.yaml',
      '      @@ -1,2 +1,3 @@',
      '       #cloud-config',
      '       hostname: gitea',
      '      +timezone: UTC',
      '',
    ]);
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('fails with the synth output, and still cleans up, when the working tree does not synthesize', () => {
    const repo = repoWithTwoSynthOutputs();
    const run = spawnSync(
      process.execPath,
      [compiled('cli/diff.ts'), '--base', 'HEAD', '--synth-command', 'node missing.mjs'],
      {
        cwd: repo,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('diff: synth of the working tree failed (exit 1):');
    expect(git(repo, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });
});
