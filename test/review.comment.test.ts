// The review comment's assembly: the tooling banner, sections in reading order, and a cut that says so at the
// top, keeps fences and <details> balanced, fails the review and leaves the whole diff in the artifact.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildComment, cutMarkdown, splitCaution, toolingFiles } from '../review/comment.ts';
import { compiled } from './helpers/cli.ts';
import { type ReviewRepo, reviewRepo } from './helpers/review-repo.ts';

const repos: ReviewRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

/** Every ``` fence opened is closed, and every <details> too. */
function balanced(markdown: string): boolean {
  let open: string | undefined;
  let details = 0;
  for (const line of markdown.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f && !open) open = f[1];
    else if (f && open && line.trim() === open) open = undefined;
    else if (!open)
      details += (line.match(/<details/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
  }
  return open === undefined && details === 0;
}

/** A diff of about `size` characters: one artifact with a long fenced block inside <details>. */
function bigDiff(size: number): string {
  const lines = ['### Synthesized diff: main → working tree', '', '**1 stack changed**', ''];
  lines.push('<details><summary><code>ansible/site.yml</code>: changed (+2000 −0)</summary>', '', '```diff');
  for (let i = 0; lines.join('\n').length < size; i++)
    lines.push(`+    - name: task number ${i} of a long playbook`);
  lines.push('```', '', '</details>', '');
  return lines.join('\n');
}

const CAUTION = [
  '### Synthesized diff: main → working tree',
  '',
  '> [!CAUTION]',
  '> **DESTROYS PROTECTED**: 1 protected resource would be destroyed or replaced.',
  '>',
  '> `Allow-Destroy: cluster-ceph/proxmox_virtual_environment_vm.db`',
  '',
  '**1 stack changed**',
  '',
].join('\n');

describe('the review comment', () => {
  it('names the tooling files a change touches, and only those', () => {
    expect(
      toolingFiles([
        'inventory/vms.yaml',
        'review/access-review.ts',
        '.drone.yml',
        'inventory/members.schema.ts',
        'docs/review.md',
        'package.json',
      ]),
    ).toEqual(['.drone.yml', 'inventory/members.schema.ts', 'package.json', 'review/access-review.ts']);
  });

  it('reads caution, access, plan summaries, then the diff; the banner above them all', () => {
    const { caution, rest } = splitCaution(CAUTION);
    expect(caution).toContain('DESTROYS PROTECTED');
    expect(rest).not.toContain('DESTROYS PROTECTED');
    const c = buildComment(
      {
        tooling: ['review/access-review.ts'],
        caution,
        access: '## Access changes\n\n- **cy gains:** sudo\n',
        plans: ['### Plan: cluster-ceph\n'],
        diff: rest,
        artifact: 'cdktf.out/review/full-diff.md',
      },
      60_000,
    );
    expect(c.cut).toEqual([]);
    const at = (text: string) => c.body.indexOf(text);
    expect(at('This pull request changes the tooling')).toBeGreaterThanOrEqual(0);
    expect(at('`review/access-review.ts`')).toBeLessThan(at('DESTROYS PROTECTED'));
    expect(at('DESTROYS PROTECTED')).toBeLessThan(at('## Access changes'));
    expect(at('## Access changes')).toBeLessThan(at('### Plan: cluster-ceph'));
    expect(at('### Plan: cluster-ceph')).toBeLessThan(at('### Synthesized diff'));
    expect(c.body).not.toContain('This comment is cut');
  });

  it('a 100 KB diff is cut at a line: said at the top, fences and details closed, the rest in the artifact', () => {
    const diff = bigDiff(100_000);
    const c = buildComment(
      {
        tooling: [],
        caution: '',
        access: '## Access changes\n\nx\n',
        plans: [],
        diff,
        artifact: 'full-diff.md',
      },
      60_000,
    );
    expect(c.cut).toEqual(['diff']);
    expect(c.body.length).toBeLessThan(60_000);
    expect(c.body.startsWith('> [!WARNING]\n> **This comment is cut**')).toBe(true);
    expect(c.body).toContain('## Access changes');
    expect(balanced(diff)).toBe(true);
    expect(balanced(c.body)).toBe(true);
    expect(c.body).toMatch(/_… cut here: \d+ more lines\. The whole diff is in full-diff\.md\._/);
    // A naive cut at 60,000 characters (the old one) leaves the fence open.
    expect(balanced(diff.slice(0, 60_000))).toBe(false);
  });

  it('cutMarkdown leaves text that fits untouched', () => {
    expect(cutMarkdown('a\n```\nb\n```\n', 100, 'n')).toBe('a\n```\nb\n```\n');
  });

  it('the command writes comment.md and full-diff.md, and fails the review when it cut', () => {
    const r = reviewRepo();
    repos.push(r);
    const dir = mkdtempSync(join(tmpdir(), 'review-comment-'));
    try {
      writeFileSync(join(dir, 'diff.md'), bigDiff(100_000));
      writeFileSync(join(dir, 'access.md'), '## Access changes\n\nNo member gains or loses a grant.\n');
      r.git('checkout', '--quiet', '-b', 'pr');
      r.edit('members', (t) => t.replace('Cy Twombly', 'Cy Twombly Jr'));
      r.commit('Rename cy');
      const run = spawnSync(
        process.execPath,
        [compiled('cli/review-comment.ts'), '--dir', dir, '--base', 'main', '--head', 'pr'],
        { cwd: r.dir, encoding: 'utf8' },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('review-comment: CUT diff; the full diff is');
      expect(readFileSync(join(dir, 'full-diff.md'), 'utf8')).toBe(
        readFileSync(join(dir, 'diff.md'), 'utf8'),
      );
      const body = readFileSync(join(dir, 'comment.md'), 'utf8');
      expect(body.length).toBeLessThan(60_000);
      expect(balanced(body)).toBe(true);
      expect(body).not.toContain('changes the tooling');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the comment of a one-VM change on the fixture organisation', () => {
  it('is under 20,000 characters with every section: access, per-stack resources, files per VM, the artifact', () => {
    const r = reviewRepo();
    repos.push(r);
    const dir = mkdtempSync(join(tmpdir(), 'review-one-vm-'));
    try {
      r.git('checkout', '--quiet', '-b', 'pr');
      r.edit(
        'vms',
        (t) =>
          `${t.trimEnd()}\n  - name: wiki\n    cluster: ceph\n    node: node1\n    id: 106\n    cores: 2\n    memory: 4\n    os: debian-12\n    disks: [{ storage: ceph-vm, size: 20 }]\n    nics:\n      - network: one-public\n        ipv6: "2001:db8:1::f"\n`,
      );
      // The same pull request gives cy a grant on it, so the access section has something to say.
      r.edit('roles', (t) => t.replace('ssh: { vms: [git, runner] }', 'ssh: { vms: [git, runner, wiki] }'));
      r.commit('A wiki VM');
      const synth = `node ${compiled('cli/synth.ts')}`;
      const tool = (script: string, ...args: string[]) =>
        spawnSync(process.execPath, [compiled(script), ...args], { cwd: r.dir, encoding: 'utf8' });
      const diff = tool(
        'cli/diff.ts',
        '--base',
        'main',
        '--format',
        'summary',
        '--full',
        join(dir, 'full-diff.md'),
        '--synth-command',
        synth,
      );
      expect(diff.status, diff.stderr).toBe(0);
      writeFileSync(join(dir, 'diff.md'), diff.stdout);
      const access = tool('cli/access-review.ts', '--base', 'main');
      expect(access.status, access.stderr).toBe(0);
      writeFileSync(join(dir, 'access.md'), access.stdout);
      const run = tool('cli/review-comment.ts', '--dir', dir, '--base', 'main', '--head', 'pr');
      expect(run.status, run.stderr).toBe(0);

      const body = readFileSync(join(dir, 'comment.md'), 'utf8');
      const full = readFileSync(join(dir, 'full-diff.md'), 'utf8');
      expect(body.length).toBeLessThan(20_000);
      expect(full.length).toBeGreaterThan(body.length);
      expect(body).not.toContain('This comment is cut');
      expect(body).toContain('- **cy gains:** SSH without sudo on 1 VM (wiki)');
      expect(body).toContain('#### `cluster-ceph`: 4 to create, 0 to update, 0 to replace, 0 to destroy');
      expect(body).toContain('- create `proxmox_virtual_environment_vm.wiki`');
      expect(body).toMatch(/- VM `wiki`: ansible \(added \+\d+ −0\), cloud-init \(added \+\d+ −0\)/);
      expect(body).toContain('- `icinga2/hosts.conf`: changed +13 −0');
      expect(body).toContain(
        `The full diff, every changed line, is the build artifact \`${join(dir, 'full-diff.md')}\`.`,
      );
      expect(body.indexOf('## Access changes')).toBeLessThan(body.indexOf('### Synthesized diff'));
      expect(balanced(body)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
