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
import { format, resolveConfig } from 'prettier';
import { PROVIDER_PINS, providerNamed, providerTag } from '../constructs/provider-registry.ts';
import { type Extracted, extractSemantics, goConstants } from './semantics-extract.ts';
import { type ResourceSemantics, readSemanticsFile, type SemanticsFile } from './semantics.ts';
import { readSchemaFile, type SchemaBlock } from './simulator/schema.ts';

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

/** Every attribute and block path of a pinned schema block: `clone`, `clone.vm_id`. */
export function schemaPaths(block: SchemaBlock, prefix = ''): string[] {
  return [
    ...Object.keys(block.attributes ?? {}).map((name) => `${prefix}${name}`),
    ...Object.entries(block.block_types ?? {}).flatMap(([name, t]) => [
      `${prefix}${name}`,
      ...schemaPaths(t.block, `${prefix}${name}.`),
    ]),
  ];
}

/**
 * One resource's rules re-read from its files; `review` collects what a person must look at. Findings
 * on attributes the pinned schema does not have are left out and listed: an attribute the stacks do not
 * use, or one of a nested map the text reader cannot place (the firewall's `rule := map…`).
 */
export function refreshResource(
  type: string,
  current: ResourceSemantics,
  read: SourceReader,
  review: string[],
  known: ReadonlySet<string>,
): ResourceSemantics {
  const texts = current.files.map((file) => [file, read(file)] as const);
  const shared = new Map(texts.flatMap(([, text]) => [...goConstants(text)]));
  const found: { file: string; extracted: Extracted }[] = texts.map(([file, text]) => {
    const all = extractSemantics(text, shared);
    const keep = <T extends { attribute: string; line: number }>(what: string, list: readonly T[]): T[] =>
      list.filter((r) => {
        if (known.has(r.attribute)) return true;
        review.push(
          `${type}.${r.attribute}: ${what} at ${file}:${r.line} is on no attribute of the pinned schema`,
        );
        return false;
      });
    return {
      file,
      extracted: {
        replace: keep('replacement', all.replace),
        replaceIf: keep('conditional replacement', all.replaceIf),
        defaults: keep('default', all.defaults),
        validators: keep('validator', all.validators),
      },
    };
  });
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
  schemas: Readonly<Record<string, { block: SchemaBlock }>>,
  read: SourceReader,
  review: string[],
): SemanticsFile {
  const resources: Record<string, ResourceSemantics> = {};
  for (const [type, semantics] of Object.entries(current.resources)) {
    const block = schemas[type]?.block ?? {};
    resources[type] = refreshResource(type, semantics, read, review, new Set(schemaPaths(block)));
  }
  return { ...current, resources };
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, source] = argv;
  const pin = providerNamed(name ?? '');
  if (pin === undefined || source === undefined) {
    const names = PROVIDER_PINS.map((p) => p.name).join(', ');
    console.error(
      `usage: npm run providers:semantics -- NAME SOURCE (NAME: ${names}; SOURCE: git dir or checkout)`,
    );
    return 2;
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const file = join(root, pin.semantics);
  // The pin is the registry's: after a version bump this moves the file to the new tag.
  const current = {
    ...readSemanticsFile(file),
    provider: pin.source,
    version: pin.version,
    tag: providerTag(pin),
  };
  const schemas = Object.assign(
    {},
    ...readSchemaFile(join(root, pin.schema)).map((p) => p.schema.resource_schemas ?? {}),
  ) as Record<string, { block: SchemaBlock }>;
  const review: string[] = [];
  const refreshed = refreshSemantics(current, schemas, sourceReader(source, current.tag), review);
  // In the repository's own format, so a refresh that changes nothing changes no byte.
  const text = await format(JSON.stringify(refreshed), { ...(await resolveConfig(file)), filepath: file });
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  console.log(`rewrote ${pin.semantics} from ${current.provider} ${current.tag}`);
  for (const line of review) console.log(`review: ${line}`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
