// The README and docs/ are checked like code: the README stays short, the index lists every page, every
// relative link and anchor resolves, pasted outputs stay out of headings, every `ts` sample type-checks
// as the file it names, every documented `npm run` names a script and options that exist, and the marked
// figures and pasted outputs agree with what the tools give on the example today.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { parseAllDocuments, parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthOrExit, type SynthRun } from '../cli/synth-run.ts';
import { inventorySummary } from '../cli/report.ts';
import { icingaCounts } from '../monitoring/icinga2.ts';
import { type DiffReport, diffSynthOutputs } from '../review/diff.ts';
import { protectedResources } from '../stacks/naming.ts';
import { renderMarkdown, renderText } from '../review/diff-render.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import { dnsFileSchema } from '../inventory/dns.schema.ts';
import { vmSchema } from '../inventory/vms.schema.ts';
import { PROVIDER_PINS } from '../constructs/provider-registry.ts';
import { LAYERS } from './helpers/layers.ts';
import { EXAMPLE, validInventory } from './helpers/inventories.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';
import {
  anchors,
  type Doc,
  fences,
  figures,
  headings,
  inlineCode,
  links,
  repositoryDocs,
} from './helpers/markdown.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const docs = repositoryDocs(ROOT);
const byPath = new Map(docs.map((d) => [d.path, d]));
const at = (doc: Doc | string, line: number): string => `${typeof doc === 'string' ? doc : doc.path}:${line}`;

describe('the README and the docs index', () => {
  it('keeps the README under 250 lines, linking to the docs index', () => {
    const readme = byPath.get('README.md')!;
    expect(readme.lines.length).toBeLessThan(250);
    expect(links(readme).map((l) => l.target)).toContain('docs/README.md');
  });

  it('lists every page of docs/ in docs/README.md', () => {
    const index = byPath.get('docs/README.md')!;
    const listed = new Set(links(index).map((l) => normalize(join('docs', l.target.split('#')[0]!))));
    const missing = docs
      .map((d) => d.path)
      .filter((p) => p.startsWith('docs/') && p !== 'docs/README.md' && !listed.has(p));
    expect(missing).toEqual([]);
  });

  it('resolves every relative link and anchor of the README and the docs', () => {
    const broken = docs.flatMap((doc) =>
      links(doc).flatMap(({ line, target }) => {
        if (/^[a-z]+:/i.test(target)) return [];
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file === '' ? doc.path : normalize(join(dirname(doc.path), file));
        if (!existsSync(join(ROOT, path))) return [`${at(doc, line)} links to ${target}: no file ${path}`];
        const linked = byPath.get(path);
        if (anchor && linked && !anchors(linked).has(anchor))
          return [`${at(doc, line)} links to ${target}: ${path} has no heading #${anchor}`];
        return [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('starts every page with its one title and keeps headings out of folded pasted output', () => {
    const wrong = docs.flatMap((doc) => {
      const hs = headings(doc);
      const out: string[] = [];
      if (hs[0]?.line !== 1 || hs[0].level !== 1) out.push(`${at(doc, 1)} does not start with a # title`);
      for (const h of hs.slice(1)) {
        if (h.level === 1) out.push(`${at(doc, h.line)} is a second # title`);
        if (h.inDetails > 0)
          out.push(`${at(doc, h.line)} "${h.text}" is a heading inside <details>: fence it`);
      }
      return out;
    });
    expect(wrong).toEqual([]);
  });

  it('lists exactly the fields of inventory/vms.schema.ts in the VM table of docs/inventory.md', () => {
    const doc = byPath.get('docs/inventory.md')!;
    const start = doc.lines.indexOf('## The fields of a VM');
    const end = doc.lines.findIndex((l, i) => i > start && l.startsWith('## '));
    const table = doc.lines.slice(start, end).flatMap((l) => /^\| `([a-z_]+)` \|/.exec(l)?.[1] ?? []);
    expect(start).toBeGreaterThan(0);
    expect(table).toEqual(Object.keys(vmSchema.shape));
  });

  it('describes the layer order of test/helpers/layers.ts in docs/development.md', () => {
    const doc = byPath.get('docs/development.md')!;
    const table = doc.lines.flatMap((l) => /^\| `([a-z.]+)\/` \|/.exec(l)?.[1] ?? []);
    expect(table).toEqual([...LAYERS]);
  });
});

describe('code samples', () => {
  const samples = docs.flatMap((doc) =>
    fences(doc).blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript'),
  );

  it('has ts samples, each naming the file it belongs in on its first line', () => {
    expect(samples.length).toBeGreaterThan(0);
    const unnamed = samples
      .filter((s) => !/^\/\/ [\w./-]+\.ts$/.test(s.body.split('\n')[0]!))
      .map((s) => `${at(s.doc, s.line)} starts with no "// path/to/file.ts" line`);
    expect(unnamed).toEqual([]);
  });

  it('type-checks every ts sample as the file it names, against the repository', () => {
    const config = ts.parseJsonConfigFileContent(
      ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile).config,
      ts.sys,
      ROOT,
    );
    const virtual = new Map<string, { text: string; where: string }>();
    for (const s of samples) {
      const file = join(ROOT, s.body.split('\n')[0]!.slice(3));
      virtual.set(file, { text: s.body, where: at(s.doc, s.line) });
    }
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, onError) => {
      const sample = virtual.get(name);
      return sample ? ts.createSourceFile(name, sample.text, version) : getSourceFile(name, version, onError);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => virtual.has(name) || fileExists(name);
    const program = ts.createProgram([...virtual.keys()], config.options, host);
    const errors = [...virtual].flatMap(([file, { where }]) =>
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => {
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        return `${where} (sample line ${line + 1}): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
    expect(errors).toEqual([]);
  }, 120_000);
});

describe('data samples', () => {
  const blocks = docs.flatMap((doc) => fences(doc).blocks);

  it('parses every yaml and json sample', () => {
    const bad = blocks.flatMap((b) => {
      if (b.lang === 'json') {
        try {
          JSON.parse(b.body);
        } catch (err) {
          return [`${at(b.doc, b.line)}: ${(err as Error).message}`];
        }
      }
      if (b.lang !== 'yaml') return [];
      return parseAllDocuments(b.body).flatMap((d) =>
        'errors' in d ? d.errors.map((e) => `${at(b.doc, b.line)}: ${e.message}`) : [],
      );
    });
    expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThan(2);
    expect(bad).toEqual([]);
  });

  it("validates the DNS page's record sample with the dns.yaml schema", () => {
    const sample = blocks.find((b) => b.doc === 'docs/dns.md' && b.lang === 'yaml');
    expect(sample).toBeDefined();
    const parsed = dnsFileSchema.safeParse(parseDocument(sample!.body).toJS());
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

interface NpmRun {
  readonly where: string;
  readonly script: string;
  readonly options: readonly string[];
  readonly text: string;
}

/** Every `npm run NAME -- --opt ...` of the docs: in shell samples and in inline code (the commands table). */
function documentedRuns(): NpmRun[] {
  const runs: NpmRun[] = [];
  const collect = (where: string, text: string): void => {
    for (const m of text.matchAll(/\bnpm run(?: -s| --silent)? ([a-z][\w:-]*)([^\n|;&`]*)/g)) {
      const args = m[2]!
        .split(/\s+--\s+|\s+--$/)
        .slice(1)
        .join(' ');
      const options = [...args.matchAll(/(?:^|[\s[])--([a-z][\w-]*)/g)].map((o) => o[1]!);
      runs.push({ where, script: m[1]!, options, text: m[0].trim() });
    }
  };
  for (const doc of docs) {
    for (const b of fences(doc).blocks)
      if (['sh', 'shell', 'bash', 'console'].includes(b.lang))
        b.body.split('\n').forEach((line, i) => collect(at(doc, b.line + 1 + i), line));
    for (const c of inlineCode(doc)) collect(at(doc, c.line), c.code);
  }
  return runs;
}

/** The TypeScript source behind an npm script (`node --import tsx cli/diff.ts` → `cli/diff.ts`). */
function scriptSource(command: string): string | undefined {
  const m = /\b((?:cli|providers|bench)\/[\w/-]+)\.(?:ts|js)\b/.exec(command);
  return m ? `${m[1]}.ts` : undefined;
}

describe('documented commands', () => {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const runs = documentedRuns();

  it('names only npm scripts that package.json has', () => {
    expect(runs.length).toBeGreaterThan(20);
    const unknown = runs.filter((r) => !(r.script in scripts)).map((r) => `${r.where}: ${r.text}: no script`);
    expect(unknown).toEqual([]);
  });

  it('lists every npm script in docs/commands.md', () => {
    const listed = new Set(
      inlineCode(byPath.get('docs/commands.md')!).flatMap((c) =>
        [...c.code.matchAll(/\bnpm (?:run (?:-s )?([a-z][\w:-]*)|(test)\b)/g)].map((m) => m[1] ?? m[2]!),
      ),
    );
    const missing = Object.keys(scripts).filter((s) => s !== 'postinstall' && !listed.has(s));
    expect(missing).toEqual([]);
  });

  it('passes only options the command declares', () => {
    const wrong = runs.flatMap((r) => {
      if (r.options.length === 0 || !(r.script in scripts)) return [];
      const source = scriptSource(scripts[r.script]!);
      if (!source) return [`${r.where}: ${r.text}: options given, but "${scripts[r.script]}" takes none`];
      const text = [source, 'cli/args.ts'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
      return r.options
        .filter((o) => !new RegExp(`(^|[\\s{,])'?${o}'?\\s*:\\s*\\{`, 'm').test(text))
        .map((o) => `${r.where}: ${r.text}: ${source} declares no --${o}`);
    });
    expect(wrong).toEqual([]);
  });

  it('runs the documented `npm run check` and prints the summary the docs show', () => {
    const check = spawnSync('npm', ['run', '-s', 'check'], { cwd: ROOT, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    const summary = check.stdout.trim().split('\n').at(-1)!;
    const pasted = docs.flatMap((doc) =>
      fences(doc).blocks.flatMap((b) =>
        b.body
          .split('\n')
          .filter((l) => /^\d+ sites, \d+ clusters, \d+ nodes, \d+ VMs: /.test(l))
          .map((l) => ({ where: at(doc, b.line), l })),
      ),
    );
    expect(pasted.length).toBeGreaterThan(0);
    for (const p of pasted) expect(p.l, `${p.where} pastes a check summary`).toBe(summary);
  }, 60_000);
});

/** Commands a transcript may run: they read the inventory, or edit the test's copy of it. */
const SAFE_TO_RUN = new Set(['check', 'access', 'onboard', 'offboard']);

/** Words of a command line, with "double quotes" kept together. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Console transcripts (`$ npm run -s NAME -- ...` and what it printed) made only of commands safe to run. */
function transcripts(): { where: string; steps: { argv: string[]; output: string }[] }[] {
  return docs.flatMap((doc) =>
    fences(doc)
      .blocks.filter((b) => b.lang === 'console')
      .flatMap((b) => {
        const steps = b.body
          .split(/^\$ /m)
          .slice(1)
          .map((chunk) => {
            const [command, ...output] = chunk.split('\n');
            return { argv: words(command!), output: output.join('\n').trim() };
          });
        const runnable = steps.every(
          (s) => s.argv.slice(0, 3).join(' ') === 'npm run -s' && SAFE_TO_RUN.has(s.argv[3]!),
        );
        return steps.length > 0 && runnable ? [{ where: at(doc, b.line), steps }] : [];
      }),
  );
}

/** The pins of constructs/provider-registry.ts as pages may mark them: `provider-dns`, `bindings-dns`. */
function providerFigures(): Record<string, string> {
  return Object.fromEntries(
    PROVIDER_PINS.flatMap((p) => [
      [`provider-${p.name}`, `${p.source} ${p.version}`],
      ...(p.bindings.kind === 'npm'
        ? [[`bindings-${p.name}`, `${p.bindings.package} ${p.bindings.version}`]]
        : []),
    ]),
  );
}

describe('figures and pasted outputs agree with the example', () => {
  let tmp = '';
  let run: SynthRun;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'docs-figures-'));
    run = await synthOrExit(EXAMPLE, join(tmp, 'base'), {});
  }, 120_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** The figures a page may mark, computed from the example's synth. */
  function computed(): Map<string, string> {
    const { inventory } = run.model;
    const resources = run.summaries.reduce(
      (n, s) => n + [...s.resources.values()].reduce((a, b) => a + b, 0),
      0,
    );
    const debian = inventory.vms.filter((vm) => vm.os !== 'other').length;
    const monitoring = icingaCounts(run.monitoring);
    const clusterStacks = run.summaries.filter((s) => s.stack.startsWith('cluster-')).length;
    const ansible = join(tmp, 'base', 'artifacts', 'ansible');
    const playbooks = readdirSync(join(ansible, 'vms')).map((f) => join(ansible, 'vms', f));
    const playbookLines = [...playbooks, join(ansible, 'inventory.yml')]
      .map((f) => readFileSync(f, 'utf8').split('\n').length - 1)
      .reduce((a, b) => a + b, 0);
    return new Map(
      Object.entries({
        sites: inventory.sites.length,
        clusters: inventory.clusters.length,
        nodes: inventory.clusters.reduce((n, c) => n + c.nodes.length, 0),
        vms: inventory.vms.length,
        'debian-vms': debian,
        'other-vms': inventory.vms.length - debian,
        stacks: run.summaries.length,
        'cluster-stacks': clusterStacks,
        resources,
        hosts: monitoring.hosts,
        checks: monitoring.services,
        playbooks: playbooks.length,
        'playbook-lines': playbookLines.toLocaleString('en-US'),
        ...providerFigures(),
      }).map(([k, v]) => [k, String(v)]),
    );
  }

  it('gives every marked figure the value the example has today', () => {
    const want = computed();
    const marked = docs.flatMap((doc) => figures(doc).map((f) => ({ ...f, where: at(doc, f.line) })));
    expect(marked.length).toBeGreaterThan(5);
    const wrong = marked
      .filter((f) => want.get(f.name) !== f.value)
      .map((f) =>
        want.has(f.name)
          ? `${f.where}: figure ${f.name} reads ${f.value}, the example gives ${want.get(f.name)}`
          : `${f.where}: no figure named ${f.name} (known: ${[...want.keys()].join(', ')})`,
      );
    expect(wrong).toEqual([]);
    expect(inventorySummary(run.result)).toContain(`${want.get('vms')} VMs`);
  });

  it('names only stacks that synth writes, in the docs shell samples', () => {
    const stacks = new Set(run.summaries.map((s) => s.stack));
    const named = docs.flatMap((doc) =>
      fences(doc)
        .blocks.filter((b) => ['sh', 'shell', 'bash', 'console'].includes(b.lang))
        .flatMap((b) =>
          [...b.body.matchAll(/(?:cdktf (?:plan|deploy) |cdktf\.out\/stacks\/)([a-z][\w-]*)/g)].map((m) => ({
            where: at(doc, b.line),
            stack: m[1]!,
          })),
        ),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !stacks.has(n.stack))).toEqual([]);
  });

  /**
   * What `npm run check` prints for a copy of the example whose vms.yaml had one line edited, run as a
   * maintainer runs it: from the folder that holds `inventory/`, so the file names (and where a long line is
   * cut) are the ones the docs show, whatever the test's own folder is called.
   */
  function checkAfter(name: string, edit: (line: string) => string | undefined): string[] {
    const dir = join(tmp, name, 'inventory');
    cpSync(EXAMPLE, dir, { recursive: true });
    const lines = readFileSync(join(dir, 'vms.yaml'), 'utf8').split('\n');
    const at = lines.findIndex((line) => edit(line) !== undefined);
    expect(at, `${name}: the line to edit is in vms.yaml`).toBeGreaterThanOrEqual(0);
    lines[at] = edit(lines[at]!)!;
    writeFileSync(join(dir, 'vms.yaml'), lines.join('\n'));
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli/check.js'), '--inventory', 'inventory'], {
      cwd: join(tmp, name),
      encoding: 'utf8',
    });
    return run.stdout.split('\n').filter((line) => line.startsWith('inventory/'));
  }

  it('pastes the real check errors of the documented mistakes', () => {
    const pasted = (path: string): string =>
      fences(byPath.get(path)!)
        .blocks.map((b) => b.body)
        .join('\n');
    const badAddress = checkAfter('bad-address', (l) =>
      l.trim() === 'ipv4: 192.0.2.11' ? l.replace('192.0.2.11', '"192.0.2.300"') : undefined,
    );
    expect(badAddress).toHaveLength(1);
    expect(pasted('docs/inventory.md')).toContain(badAddress[0]);
    // docs/runbooks/add-a-service.md: mumble tried first on matrix, which has no public IPv4.
    const mumbleOnMatrix = checkAfter('mumble-on-matrix', (l) =>
      l.includes('services: [{ kind: synapse') ? l.replace('services: [', 'services: [mumble, ') : undefined,
    );
    // The refusal, and the warning that matrix leaves its size to two kinds of different sizes.
    expect(mumbleOnMatrix).toHaveLength(2);
    for (const line of mumbleOnMatrix) expect(pasted('docs/runbooks/add-a-service.md')).toContain(line);
    expect(pasted('docs/inventory.md')).toContain(mumbleOnMatrix[1]);
  });

  it('runs every transcript of safe commands on a copy of the example and prints what the docs show', () => {
    const found = transcripts();
    expect(found.length).toBeGreaterThan(0);
    for (const [n, { where, steps }] of found.entries()) {
      const dir = join(tmp, `transcript-${n}`);
      cpSync(EXAMPLE, join(dir, 'inventory'), { recursive: true });
      // A key file a transcript names (`--key alice.pub`) is a throwaway key of that name.
      for (const step of steps)
        step.argv.forEach((arg, i) => {
          if (step.argv[i - 1] === '--key')
            step.argv[i] = `${throwawayKey(dir, arg.replace(/\.pub$/, ''))}.pub`;
        });
      for (const { argv, output } of steps) {
        const run = spawnSync('npm', [...argv.slice(1), '--inventory', join(dir, 'inventory')], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        expect(run.stderr, `${where}: ${argv.join(' ')}`).toBe('');
        expect(run.stdout.replaceAll(`${dir}/`, '').trim(), `${where}: ${argv.join(' ')}`).toBe(output);
      }
    }
  }, 120_000);

  type YamlVm = { get(k: string): unknown; set(k: string, v: unknown): void };

  /** Edits the VM list of the inventory in `dir`. */
  const editVms =
    (edit: (vms: YamlVm[]) => void) =>
    (dir: string): void => {
      const file = join(dir, 'vms.yaml');
      const yaml = parseDocument(readFileSync(file, 'utf8'));
      edit((yaml.get('vms') as { items: YamlVm[] }).items);
      writeFileSync(file, yaml.toString());
    };

  /** The diff, as `npm run diff` makes it, between the example and an edited copy of it. */
  async function diffAfter(name: string, edit: (inventory: string) => void): Promise<DiffReport> {
    const inventory = join(tmp, name, 'inventory');
    cpSync(EXAMPLE, inventory, { recursive: true });
    edit(inventory);
    await synthOrExit(inventory, join(tmp, name, 'out'), {});
    return diffSynthOutputs(readSynthOutput(join(tmp, 'base')), readSynthOutput(join(tmp, name, 'out')), {
      protectedResources: [
        ...protectedResources(run.model.inventory),
        ...protectedResources(validInventory(inventory)),
      ],
    });
  }

  /** A pasted block with its commit (`HEAD (1a2b3c4)`) and command lines taken out. */
  const shown = (body: string, lines?: number): string =>
    body
      .replace(/\bHEAD \([0-9a-f]{7}\)/, 'HEAD (COMMIT)')
      .split('\n')
      .filter((line) => !line.startsWith('$ ') && line !== '...')
      .slice(0, lines)
      .join('\n')
      .trim();
  const title = 'HEAD (COMMIT) → working tree';

  it("shows the real diff of the README's walkthrough (gitea from 8 to 16 GiB)", async () => {
    const report = await diffAfter(
      'resize',
      editVms((vms) => {
        const gitea = vms.find((vm) => vm.get('name') === 'gitea')!;
        // It runs with gitea's catalog size (8 GiB), which vms.yaml does not repeat.
        expect(gitea.get('memory')).toBeUndefined();
        gitea.set('memory', 16);
      }),
    );
    const readme = byPath.get('README.md')!;
    const pasted = fences(readme).blocks.find((b) => b.body.includes('Synthesized diff: HEAD ('));
    expect(pasted, 'README.md pastes the walkthrough diff').toBeDefined();
    expect(shown(pasted!.body), `${at(readme, pasted!.line)}: paste this output of the change instead`).toBe(
      renderText(report, { title }).trim(),
    );
  }, 120_000);

  it('shows the real start of the comment of removing a protected VM (etherpad)', async () => {
    const report = await diffAfter(
      'remove',
      editVms((vms) => {
        const at = vms.findIndex((vm) => vm.get('name') === 'etherpad');
        expect(at).toBeGreaterThanOrEqual(0);
        vms.splice(at, 1);
      }),
    );
    const doc = byPath.get('docs/review-and-deploy.md')!;
    const pasted = fences(doc).blocks.find((b) => b.body.includes('**DESTROYS PROTECTED**'));
    expect(pasted, 'docs/review-and-deploy.md pastes the removal').toBeDefined();
    const excerpt = shown(pasted!.body);
    const real = shown(renderMarkdown(report, { title }), excerpt.split('\n').length);
    expect(excerpt, `${at(doc, pasted!.line)}: paste this start of the output instead`).toBe(real);
  }, 120_000);

  it("shows the real summary of the onboarding's diff on the members page", async () => {
    const report = await diffAfter('onboard', (inventory) => {
      const key = `${throwawayKey(join(inventory, '..'), 'alice')}.pub`;
      const args = [
        '--user',
        'alice',
        '--name',
        'Alice Liddell',
        '--email',
        'alice@example.org',
        '--key',
        key,
      ];
      const more = [
        '--role',
        'webmaster',
        '--sponsor',
        'chris',
        '--matrix',
        '@alice:example.org',
        '--inventory',
        inventory,
      ];
      const onboard = spawnSync('npm', ['run', '-s', 'onboard', '--', ...args, ...more], { cwd: ROOT });
      expect(onboard.status, String(onboard.stderr)).toBe(0);
    });
    const doc = byPath.get('docs/members.md')!;
    const pasted = fences(doc).blocks.find((b) => b.lang === 'text' && /^\d+ stacks \(/.test(b.body));
    expect(pasted, 'docs/members.md pastes the onboarding diff').toBeDefined();
    const summary = renderText(report, { title }).split('\n')[1];
    expect(pasted!.body.split('\n')[0], `${at(doc, pasted!.line)}: the summary line`).toBe(summary);
  }, 120_000);
});
