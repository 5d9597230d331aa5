// inventory/releases.yaml: located errors for bad pins, the review line of a bump, and what the playbook of a
// VM running a release application does (verified download, side-by-side version, current, restart handler).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderAnsible, renderPlaybook } from '../baseline/ansible.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { formatFinding } from '../inventory/findings.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { diffSynthOutputs } from '../review/diff.ts';
import { renderMarkdown, renderText } from '../review/diff-render.ts';
import type { SynthOutput } from '../review/synth-output.ts';
import { PINNED_RELEASES, pinnedReleasesReport } from '../stacks/pinned-releases.ts';

const work = mkdtempSync(join(tmpdir(), 'releases-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hex = (text: string): string => createHash('sha256').update(text).digest('hex');
let count = 0;

/** The fixture organisation with this releases.yaml beside it. */
function withReleases(yaml: string): ReturnType<typeof loadInventory> {
  const dir = join(work, `inv-${count++}`);
  cpSync('test/fixtures/services/good', dir, { recursive: true });
  writeFileSync(join(dir, 'releases.yaml'), yaml);
  const result = loadInventory(dir);
  return { ...result, errors: result.errors.map((e) => ({ ...e, file: e.file.slice(dir.length + 1) })) };
}

function gitea(version: string, sha = hex(version)): string {
  return `releases:\n  gitea:\n    version: ${version}\n    url: https://dl.test.example.org/gitea/${version}/gitea-${version}-linux-amd64\n    sha256: ${sha}\n`;
}

function inventoryOf(yaml: string): Inventory {
  const result = withReleases(yaml);
  if (!result.inventory) throw new Error(result.errors.map(formatFinding).join('\n'));
  return result.inventory;
}

describe('releases.yaml', () => {
  it('loads a pinned release', () => {
    expect(inventoryOf(gitea('1.22.3')).releases.gitea?.version).toBe('1.22.3');
  });

  it('reports a malformed checksum, a URL without the version and a missing checksum at their fields', () => {
    const yaml =
      `releases:\n  gitea:\n    version: 1.22.6\n    url: https://dl.test.example.org/gitea/1.22.3/gitea-linux-amd64\n    sha256: ${'ab'.repeat(31)}\n` +
      `  nextcloud:\n    version: 29.0.8\n    url: https://download.test.example.org/nextcloud-29.0.8.tar.bz2\n`;
    expect(withReleases(yaml).errors.map(formatFinding)).toEqual([
      'releases.yaml:4:10  releases.gitea.url  does not contain the version 1.22.6; expected the URL of exactly that release',
      `releases.yaml:5:13  releases.gitea.sha256  "${'ab'.repeat(31)}" is not a SHA-256 checksum: it has 62 hexadecimal digits; expected 64 lower-case hexadecimal digits, as in the release's .sha256 file`,
      'releases.yaml:7:5  releases.nextcloud.sha256  is missing; expected sha256 or sha512 from the upstream checksum file',
    ]);
  });

  it('refuses a plain-HTTP URL and a moving latest link', () => {
    const yaml = `releases:\n  gitea:\n    version: 1.22.6\n    url: http://dl.test.example.org/gitea/1.22.6/gitea\n    sha256: ${hex('x')}\n  moinmoin:\n    version: 2.0.0\n    url: https://test.example.org/latest/moin-2.0.0.tar.gz\n    sha256: ${hex('y')}\n`;
    expect(withReleases(yaml).errors.map((e) => `${e.path}  ${e.message.replace(/^"[^"]*"… /, '')}`)).toEqual(
      [
        'releases.gitea.url  "http://dl.test.example.org/gitea/1.22.6/gitea" is not a release URL; expected https://host/path/to/the-artifact (a file, no query)',
        'releases.moinmoin.url  "https://test.example.org/latest/moin-2.0.0.tar.gz" names a moving "latest" link; expected the URL of one release',
      ],
    );
  });
});

function output(inventory: Inventory): SynthOutput {
  const text = pinnedReleasesReport(inventory);
  return { stacks: new Map(), artifacts: new Map([[PINNED_RELEASES, { text, bytes: Buffer.from(text) }]]) };
}

describe('the review of a release bump', () => {
  it('shows "gitea 1.22.3 → 1.22.6" in the text and the Markdown diff', () => {
    const report = diffSynthOutputs(
      output(inventoryOf(gitea('1.22.3'))),
      output(inventoryOf(gitea('1.22.6'))),
    );
    expect(report.releases).toEqual([{ app: 'gitea', before: '1.22.3', after: '1.22.6' }]);
    expect(renderText(report, { title: 't' })).toContain('\n  gitea 1.22.3 → 1.22.6\n');
    expect(renderMarkdown(report, { title: 't' })).toContain('- `gitea 1.22.3 → 1.22.6`');
  });

  it('shows a changed checksum of the same version, and nothing when nothing changed', () => {
    const same = diffSynthOutputs(output(inventoryOf(gitea('1.22.6'))), output(inventoryOf(gitea('1.22.6'))));
    expect(same.releases).toEqual([]);
    const swapped = diffSynthOutputs(
      output(inventoryOf(gitea('1.22.6'))),
      output(inventoryOf(gitea('1.22.6', hex('other')))),
    );
    expect(renderText(swapped, { title: 't' })).toContain(
      'gitea 1.22.6 → 1.22.6 (same version, other artifact or checksum)',
    );
  });
});

type Task = Record<string, unknown>;

describe('the playbook of a VM running a release', () => {
  const tasksOf = (inventory: Inventory, vm: string): { tasks: Task[]; handlers: Task[] } => {
    const model = deriveModel(inventory);
    const play = parse(
      renderPlaybook(
        convergeModel(
          model,
          inventory.vms.find((v) => v.name === vm)!,
        ),
      ),
      {
        customTags: ANSIBLE_YAML_TAGS,
      },
    ) as { tasks: Task[]; handlers: Task[] }[];
    return play[0]!;
  };

  it('downloads with the pinned checksum, installs under /opt/gitea/<version> and restarts through a handler', () => {
    const { tasks, handlers } = tasksOf(inventoryOf(gitea('1.22.6')), 'git');
    const download = tasks.find((t) => String(t.name).startsWith('Download gitea'))!;
    expect(download['ansible.builtin.get_url']).toMatchObject({
      url: 'https://dl.test.example.org/gitea/1.22.6/gitea-1.22.6-linux-amd64',
      checksum: `sha256:${hex('1.22.6')}`,
    });
    const names = tasks.map((t) => String(t.name));
    expect(names.indexOf('Directory of gitea 1.22.6')).toBeGreaterThan(names.indexOf(String(download.name)));
    const link = tasks.find((t) => t.name === 'Switch /opt/gitea/current to 1.22.6')!;
    expect(link['ansible.builtin.file']).toMatchObject({
      src: '/opt/gitea/1.22.6',
      dest: '/opt/gitea/current',
    });
    expect(link.notify).toBe('restart release gitea');
    expect(handlers.find((h) => h.listen === 'restart release gitea')).toMatchObject({
      'ansible.builtin.systemd_service': { name: 'gitea', state: 'restarted' },
    });
    const unit = tasks.find((t) => t.name === 'File /etc/systemd/system/gitea.service')!;
    expect(String((unit['ansible.builtin.copy'] as Task).content)).toContain(
      'ExecStart=/opt/gitea/current/gitea web',
    );
  });

  it('reports a release application that releases.yaml does not pin, at the service entry', () => {
    expect(withReleases('releases: {}\n').errors.map(formatFinding)).toEqual([
      'vms.yaml:39:15  vms[2].services[0].kind  gitea is not packaged in Debian and runs from an upstream release, but inventory/releases.yaml pins none; expected releases.gitea with version, url and sha256 (docs/services.md, "Releases from upstream")',
    ]);
  });
});

const LINT = spawnSync('sh', ['-c', 'command -v ansible-lint']).status === 0;
if (!LINT) console.warn('ansible-lint is not installed: skipping the lint of a playbook with a release');

describe.skipIf(!LINT)('a playbook with a release under ansible-lint', () => {
  it('passes ansible-lint --offline (production profile)', () => {
    const inventory = inventoryOf(gitea('1.22.6'));
    const model = deriveModel(inventory);
    const dir = join(work, 'lint');
    const vm = convergeModel(
      model,
      inventory.vms.find((v) => v.name === 'git')!,
    );
    for (const [path, text] of renderAnsible(model, [vm])) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync('ansible-lint', ['--offline', '--nocolor', 'vms/git.yml'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 300_000);
});
