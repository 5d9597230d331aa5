// `npm run providers:semantics -- NAME SOURCE`: re-reads providers/NAME/semantics.json's replacement rules, defaults and validator lines from the provider's Go source at the pinned tag.
//
// SOURCE is the provider's git repository (the tag is read with `git show TAG:FILE`) or a checkout of
// the tag. What a person reviewed stays: the flags and notes of replacement rules, validator kinds and
// messages, ids, import ids and read-back forms; the script moves their line numbers and says what it
// could not resolve (a default computed by a function, a conditional replacement) for review.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Extracted, extractSemantics, goConstants } from './semantics-extract.ts';
import { type ResourceSemantics, readSemanticsFile, type SemanticsFile } from './semantics.ts';

/** The text of one file at the tag. */
export type SourceReader = (file: string) => string;

export function sourceReader(source: string, tag: string): SourceReader {
  const isCheckout = existsSync(join(source, 'go.mod'));
  return (file) =>
    isCheckout
      ? readFileSync(join(source, file), 'utf8')
      : execFileSync('git', ['--git-dir', source, 'show', `${tag}:${file}`], {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        });
}

/** One resource's rules re-read from its files; `review` collects what a person must look at. */
export function refreshResource(
  type: string,
  current: ResourceSemantics,
  read: SourceReader,
  review: string[],
): ResourceSemantics {
  const texts = current.files.map((file) => [file, read(file)] as const);
  const shared = new Map(texts.flatMap(([, text]) => [...goConstants(text)]));
  const found: { file: string; extracted: Extracted }[] = texts.map(([file, text]) => ({
    file,
    extracted: extractSemantics(text, shared),
  }));
  const replace = found.flatMap(({ file, extracted }) =>
    extracted.replace.map((r) => {
      const reviewed = current.replace.find((c) => c.attribute === r.attribute && c.note === undefined);
      return { ...reviewed, attribute: r.attribute, source: `${file}:${r.line}` };
    }),
  );
  // Rules a person added from CustomizeDiff or a conditional plan modifier carry a note and stay.
  for (const rule of current.replace)
    if (rule.note !== undefined && !replace.some((r) => r.attribute === rule.attribute)) replace.push(rule);
  const defaults = found.flatMap(({ file, extracted }) =>
    extracted.defaults.flatMap((d) => {
      if (d.value !== undefined)
        return [{ attribute: d.attribute, value: d.value, source: `${file}:${d.line}` }];
      review.push(`${type}.${d.attribute}: default ${d.expression} (${file}:${d.line}) is not a literal`);
      return [];
    }),
  );
  for (const { file, extracted } of found)
    for (const r of extracted.replaceIf)
      review.push(`${type}.${r.attribute}: ${r.expression} (${file}:${r.line}) replaces on a condition`);
  const validators = current.validators.map((v) => {
    const hit = found
      .flatMap(({ file, extracted }) => extracted.validators.map((x) => ({ ...x, file })))
      .find((x) => x.attribute === v.attribute);
    if (!hit) {
      review.push(
        `${type}.${v.attribute}: the ${v.kind} validator is no longer in ${current.files.join(', ')}`,
      );
      return v;
    }
    return { ...v, source: `${hit.file}:${hit.line}` };
  });
  const sdk = texts.some(([, text]) => text.includes('terraform-plugin-sdk/v2/helper/schema'))
    ? ('sdkv2' as const)
    : ('framework' as const);
  return { ...current, sdk, replace, defaults, validators };
}

export function refreshSemantics(
  current: SemanticsFile,
  read: SourceReader,
  review: string[],
): SemanticsFile {
  const resources: Record<string, ResourceSemantics> = {};
  for (const [type, semantics] of Object.entries(current.resources))
    resources[type] = refreshResource(type, semantics, read, review);
  return { ...current, resources };
}

function main(argv: readonly string[]): number {
  const [name, source] = argv;
  if (name === undefined || !/^[a-z]+$/.test(name) || source === undefined) {
    console.error(
      'usage: npm run providers:semantics -- NAME SOURCE (NAME: proxmox, dns, gitea, github; SOURCE: git dir or checkout)',
    );
    return 2;
  }
  const file = join(dirname(fileURLToPath(import.meta.url)), name, 'semantics.json');
  const current = readSemanticsFile(file);
  const review: string[] = [];
  const refreshed = refreshSemantics(current, sourceReader(source, current.tag), review);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(refreshed, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`rewrote providers/${name}/semantics.json from ${current.provider} ${current.tag}`);
  for (const line of review) console.log(`review: ${line}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
