// Assembles the pull request's one review comment from its sections, in the order a reviewer must read them:
// the tooling banner, caution (destroys), access, plan summaries, the diff. What does not fit is cut at a line,
// with fences and <details> closed, and the top of the comment says what was cut and where the rest is.

/** Paths whose change alters what the pipeline does or what the review says: their code diff must be read. */
const TOOLING: readonly RegExp[] = [
  /^\.drone\.yml$/,
  /^\.ci\//,
  /^package[^/]*\.json$/,
  /^(cli|review|providers|constructs|stacks|baseline|members|model|services|dns|monitoring)\//,
  /^inventory\/[^/]*\.ts$/,
  /^inventory\/rules\//,
  /^(main\.ts|cdktf\.json|tsconfig\.json)$/,
];

export function toolingFiles(changed: readonly string[]): string[] {
  return changed.filter((f) => TOOLING.some((re) => re.test(f))).sort();
}

export interface ReviewParts {
  /** Files of the change that are tooling (see toolingFiles). */
  readonly tooling: readonly string[];
  /** The diff's caution and warning blocks: protected resources destroyed or weakened. */
  readonly caution: string;
  readonly access: string;
  readonly plans: readonly string[];
  readonly diff: string;
  /** Where the uncut diff is kept, named in the cut notice. */
  readonly artifact: string;
}

export interface Comment {
  readonly body: string;
  /** Sections that were cut or left out; empty when everything fits. */
  readonly cut: readonly string[];
}

export function toolingBanner(files: readonly string[]): string {
  if (files.length === 0) return '';
  return [
    '> [!IMPORTANT]',
    `> **This pull request changes the tooling** (${files.length} file${files.length === 1 ? '' : 's'}): read its code diff. The review below was made by the target branch's tooling from this pull request's inventory, not by the changed code.`,
    '>',
    ...files.map((f) => `> - \`${f}\``),
    '',
  ].join('\n');
}

/** Splits the diff's leading `> [!CAUTION]` / `> [!WARNING]` blocks from the rest (title kept with the rest). */
export function splitCaution(diff: string): { caution: string; rest: string } {
  const lines = diff.split('\n');
  const start = lines.findIndex((l) => l.startsWith('> [!'));
  if (start < 0) return { caution: '', rest: diff };
  let end = start;
  while (
    end < lines.length &&
    (lines[end]!.startsWith('>') || (lines[end] === '' && lines[end + 1]?.startsWith('>')))
  )
    end++;
  const caution = lines.slice(start, end).join('\n');
  return { caution: `${caution}\n`, rest: [...lines.slice(0, start), ...lines.slice(end)].join('\n') };
}

/** Lines of `text` up to `max` characters, cut at a line, with open code fences and <details> closed. */
export function cutMarkdown(text: string, max: number, note: string): string {
  const out: string[] = [];
  let used = 0;
  let fence: { indent: string; marker: string } | undefined;
  let details = 0;
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (used + line.length + 1 > max) break;
    out.push(line);
    used += line.length + 1;
    const f = /^(\s*)(`{3,}|~{3,})/.exec(line);
    if (f && !fence) fence = { indent: f[1]!, marker: f[2]! };
    else if (f && fence && line.trim() === fence.marker) fence = undefined;
    else if (!fence)
      details += (line.match(/<details/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
  }
  if (i === lines.length) return text;
  if (fence) out.push(`${fence.indent}${fence.marker}`);
  for (; details > 0; details--) out.push('', '</details>');
  out.push('', `_… cut here: ${lines.length - i} more lines. ${note}_`, '');
  return out.join('\n');
}

/** Room kept for the cut notice and the marker line. */
const NOTICE_ROOM = 1_000;

export function buildComment(parts: ReviewParts, limit: number): Comment {
  const sections: [string, string][] = [
    ['caution', parts.caution],
    ['access', parts.access],
    ...parts.plans.map((p, i): [string, string] => [`plan summary ${i + 1}`, p]),
    ['diff', parts.diff],
  ];
  const banner = toolingBanner(parts.tooling);
  let room = limit - NOTICE_ROOM - banner.length;
  const kept: string[] = [];
  const cut: string[] = [];
  for (const [name, text] of sections) {
    const body = text.trim();
    if (body === '') continue;
    if (body.length + 10 <= room) {
      kept.push(body);
      room -= body.length + 10;
      continue;
    }
    cut.push(name);
    if (room > 200) {
      kept.push(cutMarkdown(body, room - 200, `The whole ${name} is in ${parts.artifact}.`).trim());
    }
    room = 0;
  }
  const notice =
    cut.length === 0
      ? ''
      : [
          '> [!WARNING]',
          `> **This comment is cut** to stay under ${limit} characters: ${cut.join(', ')} ${cut.length === 1 ? 'is' : 'are'} incomplete. The full diff is the build artifact \`${parts.artifact}\` (also in the log of the review step); the review step fails until the comment fits.`,
          '',
        ].join('\n');
  const body = [notice, banner, ...kept]
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('\n\n---\n\n');
  return { body: `${body}\n`, cut };
}
