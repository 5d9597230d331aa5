// Each Terraform provider is described in one place (constructs/provider-registry.ts): this test lists every
// file that names a provider's source or version, fails on any other file that writes them, and checks that
// the files which must repeat them for their own tools (package.json, cdktf.json, the pinned schema and
// semantics, generated output) agree with the registry.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { configureProvider, validateProviderConfig } from '../providers/simulator/server.ts';
import {
  PROVIDER_PINS,
  PROVIDER_REGISTRY,
  providerAddress,
  type ProviderPin,
  providerTag,
} from '../constructs/provider-registry.ts';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const REGISTRY = 'constructs/provider-registry.ts';

/** Files that repeat a pin because their own tool reads it there; each is checked against the registry below. */
const DERIVED: readonly { readonly path: RegExp; readonly why: string }[] = [
  { path: /^package(-lock)?\.json$/, why: 'npm pins the prebuilt bindings (checked below)' },
  { path: /^cdktf\.json$/, why: '`cdktf get` reads the generated providers (checked below)' },
  { path: /^providers\/[a-z]+\/(schema|semantics)\.json$/, why: 'pinned data, x_pinned checked below' },
  {
    path: /^test\/fixtures\/review\/(diff\/(base|head)\/stacks\/[\w-]+\/cdk\.tf\.json|plan\/[\w-]+\.json)$/,
    why: 'synthesized stacks and terraform plans kept as review fixtures (generated output)',
  },
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `bpg/proxmox` or `registry.terraform.io/bpg/proxmox`, not inside a longer name. */
const sourcePattern = (pin: ProviderPin): RegExp =>
  new RegExp(`(?<![\\w.-])(?:registry\\.terraform\\.io/)?${escape(pin.source)}(?![\\w-])`, 'g');

/** The provider's version or tag, and the npm bindings' own version and origin: every number a bump changes. */
function versionPattern(pin: ProviderPin): RegExp {
  const versions = [pin.version];
  if (pin.bindings.kind === 'npm') versions.push(pin.bindings.version, pin.bindings.generatedFrom);
  const alternatives = [...new Set(versions)].map(escape).join('|');
  return new RegExp(`(?<![\\w.])v?(?:${alternatives})(?!\\w|\\.\\d)`, 'g');
}

export interface Mention {
  readonly provider: string;
  readonly file: string;
  readonly line: number;
  readonly what: 'source' | 'version';
  /** writes: a second place to edit; derived: repeated for a tool, checked; names: prose or a comment. */
  readonly kind: 'registry' | 'writes' | 'derived' | 'names';
  readonly text: string;
}

/** Ranges of a TypeScript file's string literals and template texts: where a source would be written as data. */
function stringRanges(file: string, text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node))
      ranges.push([node.getStart(), node.getEnd()]);
    node.forEachChild(visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true));
  return ranges;
}

/** Ranges of a Markdown page's pin figures, `<!--fig:provider-NAME-->…<!--/fig-->`: test/docs.test.ts recomputes them. */
function figureRanges(text: string): [number, number][] {
  return [...text.matchAll(/<!--fig:(?:provider|bindings)-[a-z]+-->[^<]*<!--\/fig-->/g)].map((m) => [
    m.index,
    m.index + m[0].length,
  ]);
}

/** Whether a source mention at `at` of a file that is neither TypeScript nor Markdown sits in a comment. */
function inLineComment(text: string, at: number): boolean {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  return /^\s*(#|\/\/)/.test(text.slice(start, at));
}

/** How one mention counts: see Mention.kind. */
function classify(file: string, text: string, at: number, what: Mention['what']): Mention['kind'] {
  if (file === REGISTRY) return 'registry';
  if (DERIVED.some((d) => d.path.test(file))) return 'derived';
  const inside = (ranges: [number, number][]): boolean => ranges.some(([a, b]) => at >= a && at < b);
  if (file.endsWith('.md')) return what === 'source' || inside(figureRanges(text)) ? 'names' : 'writes';
  if (what === 'version') return 'writes';
  if (/\.[cm]?[jt]s$/.test(file)) return inside(stringRanges(file, text)) ? 'writes' : 'names';
  return inLineComment(text, at) ? 'names' : 'writes';
}

/**
 * Whether a number that reads like the provider's version is about this provider: written as its tag, as a
 * string of its own, or within a line's reach of the provider's source or name (not RFC 6376 3.6.1).
 */
function aboutProvider(pin: ProviderPin, text: string, at: number, match: string): boolean {
  if (match.startsWith('v')) return true;
  if (/['"`]/.test(text[at - 1] ?? '') && text[at - 1] === text[at + match.length]) return true;
  const near = text.slice(Math.max(0, at - 120), at + match.length + 120);
  return (
    new RegExp(sourcePattern(pin).source).test(near) ||
    new RegExp(`(?<![a-z])${pin.name}(?![a-z])`, 'i').test(near)
  );
}

/** Every mention of every provider's source or version in one file. */
export function mentions(file: string, text: string, pins: readonly ProviderPin[]): Mention[] {
  const lineOf = (at: number): number => text.slice(0, at).split('\n').length;
  return pins.flatMap((pin) =>
    (
      [
        ['source', sourcePattern(pin)],
        ['version', versionPattern(pin)],
      ] as const
    ).flatMap(([what, pattern]) =>
      [...text.matchAll(pattern)]
        .filter((m) => what === 'source' || aboutProvider(pin, text, m.index, m[0]))
        .map((m) => ({
          provider: pin.name,
          file,
          line: lineOf(m.index),
          what,
          kind: classify(file, text, m.index, what),
          text: m[0],
        })),
    ),
  );
}

/** The repository's text files, committed or new, as git sees them (no node_modules, .gen, dist, cdktf.out). */
function repositoryFiles(): { file: string; text: string }[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return [...new Set(listed.stdout.split('\0').filter(Boolean))]
    .filter((file) => existsSync(join(ROOT, file)) && !file.endsWith('.age'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }))
    .filter(({ text }) => !text.includes('\0'));
}

const ALL = repositoryFiles().flatMap(({ file, text }) => mentions(file, text, PROVIDER_PINS));

/** One line per provider and kind of mention, with the files: what a person reads in the test's output. */
function listing(all: readonly Mention[]): string {
  return PROVIDER_PINS.flatMap((pin) =>
    (['registry', 'writes', 'derived', 'names'] as const).map((kind) => {
      const files = [
        ...new Set(all.filter((m) => m.provider === pin.name && m.kind === kind).map((m) => m.file)),
      ];
      return `${pin.name} ${kind} (${files.length}): ${files.join(', ')}`;
    }),
  ).join('\n');
}

describe('each provider is written in one place', () => {
  it('lists every file that names a provider, and finds its source and version written only in the registry', () => {
    console.log(`where each provider is named:\n${listing(ALL)}`);
    const writers = ALL.filter((m) => m.kind === 'writes').map(
      (m) =>
        `${m.file}:${m.line}: writes ${PROVIDER_REGISTRY[m.provider as ProviderPin['name']].source}'s ${m.what} ` +
        `(${m.text}); read it from ${REGISTRY}${m.file.endsWith('.md') ? ' or mark it as a figure provider-' + m.provider : ''}`,
    );
    expect(writers).toEqual([]);
    for (const pin of PROVIDER_PINS) {
      const own = ALL.filter((m) => m.provider === pin.name && m.kind === 'registry');
      expect(
        own.map((m) => m.what),
        pin.name,
      ).toEqual(expect.arrayContaining(['source', 'version']));
    }
  });

  it('would catch a version or a source written as data outside the registry, and not a comment naming one', () => {
    const thing: ProviderPin = {
      ...PROVIDER_REGISTRY.dns,
      name: 'dns',
      source: 'example/thing',
      version: '7.5.3',
      bindings: { kind: 'npm', package: '@cdktf/provider-thing', version: '2.0.4', generatedFrom: '7.4.0' },
    };
    const kinds = (file: string, text: string): string[] =>
      mentions(file, text, [thing]).map((m) => `${m.what} ${m.kind} ${m.text}`);
    expect(
      kinds('stacks/X.ts', "// the example/thing provider\nconst v = { source: 'example/thing' };"),
    ).toEqual(['source names example/thing', 'source writes example/thing']);
    expect(
      kinds('stacks/X.ts', '// at tag v7.5.3\nconst s = `7.5.3`; // bindings 2.0.4 from example/thing 7.4.0'),
    ).toEqual([
      'source names example/thing',
      'version writes v7.5.3',
      'version writes 7.5.3',
      'version writes 2.0.4',
      'version writes 7.4.0',
    ]);
    expect(
      kinds('docs/x.md', 'example/thing 7.5.3 and <!--fig:provider-dns-->example/thing 7.5.3<!--/fig-->'),
    ).toEqual([
      'source names example/thing',
      'source names example/thing',
      'version writes 7.5.3',
      'version names 7.5.3',
    ]);
    expect(kinds('.drone.yml', '# example/thing\nimage: example/thing\n')).toEqual([
      'source names example/thing',
      'source writes example/thing',
    ]);
    expect(kinds('x.ts', "const other = '17.5.3 7.5.30 7.5.3.2 example/thingy'; // RFC 6376 7.5.3")).toEqual(
      [],
    );
    expect(kinds(REGISTRY, "source: 'example/thing', version: '7.5.3'")).toEqual([
      'source registry example/thing',
      'version registry 7.5.3',
    ]);
  });
});

const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

describe('the files that repeat a pin agree with the registry', () => {
  it.each(PROVIDER_PINS.map((p) => [p.name, p] as const))(
    '%s: schema.json and semantics.json pin its release',
    (_, pin) => {
      const schema = readJson(pin.schema);
      expect(schema.x_pinned).toMatchObject({
        provider: pin.source,
        version: pin.version,
        tag: providerTag(pin),
      });
      expect(schema.provider_versions).toEqual({ [providerAddress(pin)]: pin.version });
      expect(Object.keys(schema.provider_schemas as object)).toEqual([providerAddress(pin)]);
      expect(readJson(pin.semantics)).toMatchObject({
        provider: pin.source,
        version: pin.version,
        tag: providerTag(pin),
      });
    },
  );

  it('has a registry entry for every providers/<name>/ folder with pinned files, under its own name', () => {
    const folders = readdirSync(join(ROOT, 'providers'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'providers', e.name, 'schema.json')))
      .map((e) => e.name)
      .sort();
    expect(folders).toEqual(PROVIDER_PINS.map((p) => p.name).sort());
    for (const pin of PROVIDER_PINS) {
      expect(Object.entries(PROVIDER_REGISTRY).find(([, p]) => p === pin)?.[0]).toBe(pin.name);
      expect([pin.schema, pin.semantics]).toEqual([
        `providers/${pin.name}/schema.json`,
        `providers/${pin.name}/semantics.json`,
      ]);
    }
  });

  it('pins the npm bindings in package.json at the registry version, generated from the release it says', () => {
    const dependencies = readJson('package.json').dependencies as Record<string, string>;
    const npm = PROVIDER_PINS.flatMap((p) => (p.bindings.kind === 'npm' ? [p.bindings] : []));
    expect(npm.length).toBeGreaterThan(0);
    for (const bindings of npm) {
      expect(dependencies[bindings.package], bindings.package).toBe(bindings.version);
      const installed = readJson(`node_modules/${bindings.package}/package.json`);
      expect(installed.version, `node_modules/${bindings.package}`).toBe(bindings.version);
      const provider = readFileSync(
        join(ROOT, `node_modules/${bindings.package}/lib/provider/index.js`),
        'utf8',
      );
      expect(provider.match(/providerVersion: '([^']+)'/)?.[1], bindings.package).toBe(
        bindings.generatedFrom,
      );
    }
  });

  it('lists the generated providers in cdktf.json at the registry version, and generates bindings of that version', () => {
    const generated = PROVIDER_PINS.filter((p) => p.bindings.kind === 'generated');
    expect(readJson('cdktf.json').terraformProviders).toEqual(
      generated.map((p) => `${p.source}@= ${p.version}`),
    );
    for (const pin of generated) {
      const dir = pin.bindings.kind === 'generated' ? pin.bindings.dir : '';
      const provider = readFileSync(join(ROOT, dir, 'provider/index.ts'), 'utf8');
      expect(provider.match(/providerVersion: '([^']+)'/)?.[1], dir).toBe(pin.version);
    }
  });
});

/** Product TypeScript files (not tests), repository-relative. */
function productFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return productFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const PRODUCT = [
  'constructs',
  'stacks',
  'providers',
  'review',
  'cli',
  'bench',
  'dns',
  'model',
  'baseline',
].flatMap(productFiles);

/** The relative imports of a file, resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom '([^']+)'/gms)].map((m) =>
    m[1]!.startsWith('.') ? normalize(join(dirname(file), m[1]!)) : m[1]!,
  );
}

describe('the code that uses a provider is the code the registry names', () => {
  it.each(PROVIDER_PINS.map((p) => [p.name, p] as const))(
    '%s: its constructs import its bindings, its stacks those constructs',
    (_, pin) => {
      const bindings =
        pin.bindings.kind === 'generated' ? `${pin.bindings.dir}/` : `${pin.bindings.package}/`;
      const importers = PRODUCT.filter((f) => importsOf(f).some((i) => i.startsWith(bindings)));
      expect(importers.sort()).toEqual([...pin.constructs].sort());
      const stacks = PRODUCT.filter(
        (f) => f.startsWith('stacks/') && importsOf(f).some((i) => pin.constructs.includes(`${i}`)),
      );
      expect(stacks.sort()).toEqual([...pin.stacks].sort());
    },
  );

  it.each(PROVIDER_PINS.map((p) => [p.name, p] as const))(
    '%s: only the code the registry names picks it out by name',
    (_, pin) => {
      const named = new RegExp(`PROVIDER_REGISTRY(\\.${pin.name}\\b|\\['${pin.name}'\\])`);
      const pickers = PRODUCT.filter(
        (f) => f !== REGISTRY && named.test(readFileSync(join(ROOT, f), 'utf8')),
      );
      const allowed = new Set([...pin.constructs, ...pin.simulator.map((s) => s.split(':')[0]!)]);
      expect(pickers.filter((f) => !allowed.has(f))).toEqual([]);
      for (const entry of pin.simulator) expect(pickers, entry).toContain(entry.split(':')[0]);
    },
  );
});

describe('the documented steps for adding a provider', () => {
  it('name files and folders that exist', () => {
    const page = readFileSync(join(ROOT, 'docs/development.md'), 'utf8');
    const section = page.split('\n### Adding a provider\n')[1]?.split(/\n#{1,3} /)[0] ?? '';
    const paths = [...section.matchAll(/`([^`]+)`/g)]
      .flatMap((m) => m[1]!.split(/\s+/))
      .filter((token) => /^[\w.<>-]+(\/[\w.<>-]*)+$|^[\w-]+\.(ts|json)$/.test(token));
    expect(paths.length).toBeGreaterThan(8);
    const missing = paths.filter((p) => !existsSync(join(ROOT, p.replaceAll('<name>', 'proxmox'))));
    expect(missing).toEqual([]);
    expect(paths).toEqual(expect.arrayContaining([REGISTRY, 'test/providers.one-place.test.ts']));
  });
});

describe("the simulator's checks the registry names", () => {
  it("apply to their provider's address and to no other", () => {
    const proxmox = providerAddress(PROVIDER_REGISTRY.proxmox);
    const dns = providerAddress(PROVIDER_REGISTRY.dns);
    const endpoint = { endpoint: 'ftp://pve.example.org/' };
    expect(validateProviderConfig(proxmox, endpoint).map((d) => d.summary)).toEqual(['Invalid endpoint']);
    expect(validateProviderConfig(proxmox, { endpoint: 'https://pve.example.org:8006/' })).toEqual([]);
    expect(validateProviderConfig(dns, endpoint)).toEqual([]);
    const update = { update: [{ server: '192.0.2.53', key_name: 'deploy' }] };
    expect(configureProvider(dns, update, {}).map((d) => d.summary)).toEqual([
      'Error configuring provider: "key_name" should be fully-qualified',
    ]);
    expect(configureProvider(proxmox, update, {})).toEqual([]);
  });
});
