// Reads the repository's Markdown the way a renderer does (fenced blocks, headings, links, inline code), so
// the docs tests can check what a reader sees; no test takes configuration from it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Doc {
  /** Path relative to the repository root, e.g. `docs/dns.md`. */
  readonly path: string;
  readonly lines: readonly string[];
}

export interface Fence {
  readonly doc: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `sh`, `markdown`, or empty). */
  readonly lang: string;
  /** The content, with the fence's indentation taken off. */
  readonly body: string;
}

/** README.md and every Markdown file under docs/, sorted. */
export function repositoryDocs(root: string): Doc[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return walk(path);
      return entry.endsWith('.md') ? [path] : [];
    });
  return [join(root, 'README.md'), ...walk(join(root, 'docs')).sort()].map((file) => ({
    path: relative(root, file),
    lines: readFileSync(file, 'utf8').split('\n'),
  }));
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/;

/** The fenced code blocks of a document, and a mask of which lines are inside one (fences included). */
export function fences(doc: Doc): { blocks: Fence[]; fenced: boolean[] } {
  const blocks: Fence[] = [];
  const fenced = doc.lines.map(() => false);
  for (let i = 0; i < doc.lines.length; i++) {
    const open = FENCE.exec(doc.lines[i]!);
    if (!open) continue;
    const [, indent, marker, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    const closes = (line: string): boolean =>
      line.trim().startsWith(marker!) && /^[`~]+$/.test(line.trim()) && line.trim().length >= marker!.length;
    while (j < doc.lines.length && !closes(doc.lines[j]!)) {
      body.push(
        doc.lines[j]!.startsWith(indent!) ? doc.lines[j]!.slice(indent!.length) : doc.lines[j]!.trim(),
      );
      j++;
    }
    for (let k = i; k <= Math.min(j, doc.lines.length - 1); k++) fenced[k] = true;
    blocks.push({ doc: doc.path, line: i + 1, lang: lang!.toLowerCase(), body: body.join('\n') });
    i = j;
  }
  return { blocks, fenced };
}

/** GitHub's and Gitea's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export interface Heading {
  readonly line: number;
  readonly level: number;
  readonly text: string;
  /** Open `<details>` elements around it: a heading there is usually a pasted output that escaped its fence. */
  readonly inDetails: number;
}

/** Headings outside fenced blocks. */
export function headings(doc: Doc): Heading[] {
  const { fenced } = fences(doc);
  const found: Heading[] = [];
  let details = 0;
  doc.lines.forEach((line, i) => {
    if (fenced[i]) return;
    const prose = line.replace(/`[^`]*`/g, '');
    details += (prose.match(/<details\b/g) ?? []).length - (prose.match(/<\/details>/g) ?? []).length;
    const m = /^(#{1,6}) +(.*?)\s*#*\s*$/.exec(line);
    if (m) found.push({ line: i + 1, level: m[1]!.length, text: m[2]!, inDetails: details });
  });
  return found;
}

/** Every anchor a document offers, numbered as renderers do when two headings share one. */
export function anchors(doc: Doc): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(doc)) {
    const base = slug(h.text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Text outside fenced blocks with inline code blanked out, so links and markers are found only in prose. */
function proseLines(doc: Doc): { line: number; text: string }[] {
  const { fenced } = fences(doc);
  return doc.lines.flatMap((text, i) =>
    fenced[i] ? [] : [{ line: i + 1, text: text.replace(/`[^`]*`/g, (c) => ' '.repeat(c.length)) }],
  );
}

/** Links `[text](target)` in prose, with their line. */
export function links(doc: Doc): { line: number; target: string }[] {
  return proseLines(doc).flatMap(({ line, text }) =>
    [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ line, target: m[1]! })),
  );
}

/** Inline code spans in prose (tables included), with their line. */
export function inlineCode(doc: Doc): { line: number; code: string }[] {
  const { fenced } = fences(doc);
  return doc.lines.flatMap((text, i) =>
    fenced[i] ? [] : [...text.matchAll(/`([^`]+)`/g)].map((m) => ({ line: i + 1, code: m[1]! })),
  );
}

/** Figures marked `<!--fig:NAME-->VALUE<!--/fig-->` in prose: numbers a test recomputes from the example. */
export function figures(doc: Doc): { line: number; name: string; value: string }[] {
  return proseLines(doc).flatMap(({ line, text }) =>
    [...text.matchAll(/<!--fig:([a-z-]+)-->([^<]*)<!--\/fig-->/g)].map((m) => ({
      line,
      name: m[1]!,
      value: m[2]!,
    })),
  );
}
