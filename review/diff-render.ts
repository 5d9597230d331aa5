// Renders a DiffReport for people: Markdown for the pull-request comment, plain text for a terminal.
import type { AttributeChange, Counts, Danger, DiffReport, ResourceChange, StackDiff } from './diff.ts';
import { splitLines, unifiedDiff } from './line-diff.ts';
import { code } from './markdown.ts';
import { MASK } from './mask.ts';
import { bumpLine } from '../stacks/pinned-releases.ts';

export interface RenderOptions {
  /** What is compared, e.g. `origin/main (1a2b3c4) → working tree`. */
  readonly title: string;
  /** Lines of one artifact diff shown before cutting. @default 400 */
  readonly maxArtifactLines?: number;
}

const LONG = 100;

export function countsLine(c: Counts): string {
  return `${c.create} to create, ${c.update} to update, ${c.replace} to replace, ${c.delete} to destroy`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function stackTally(report: DiffReport): string {
  const by = (status: StackDiff['status']) => report.stacks.filter((s) => s.status === status).length;
  return `${plural(report.stacks.length, 'stack')} (${by('changed')} changed, ${by('added')} added, ${by('removed')} removed, ${by('unchanged')} unchanged)`;
}

export function artifactTally(report: DiffReport): string {
  const by = (status: 'added' | 'changed' | 'removed') =>
    report.artifacts.filter((a) => a.status === status).length;
  return `${by('added')} added, ${by('changed')} changed, ${by('removed')} removed`;
}

/** The trailer that lets the deploy pipeline destroy one protected resource (see review/deploy-gate.ts). */
export function allowTrailer(stack: string, address: string): string {
  return `Allow-Destroy: ${stack}/${address}`;
}

const VERB: Record<ResourceChange['action'], string> = {
  delete: 'destroy',
  replace: 'replace',
  update: 'update',
  create: 'create',
  unmanaged: 'unmanaged',
  ignored: 'ignored',
};

/** Actions after which a protected resource's data is gone or no longer looked after. */
const DESTRUCTIVE: ReadonlySet<ResourceChange['action']> = new Set(['delete', 'replace', 'unmanaged']);

const SIGN: Record<ResourceChange['action'], string> = {
  delete: '-',
  replace: '-/+',
  update: '~',
  create: '+',
  unmanaged: '?',
  ignored: '=',
};

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isLong(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('\n') || value.length > LONG);
}

function notes(change: AttributeChange): string[] {
  const out: string[] = [];
  if (change.forcesReplacement) out.push('forces replacement');
  if (change.ignored) out.push('ignored: lifecycle.ignore_changes');
  return out;
}

interface AttributeView {
  readonly path: string;
  /** Rendered old and new values (`(none)` for a missing one); absent when `text` says it instead. */
  readonly values?: readonly [string, string];
  /** A description in place of the values: masked, known after apply, a long text. */
  readonly text?: string;
  /** For long strings: a unified diff (or the new text, for an added one). */
  readonly block?: readonly string[];
}

function viewAttribute(change: AttributeChange): AttributeView {
  const path = change.path;
  if (change.knownAfterApply) {
    return { path, text: `(known after apply: ${change.knownAfterApply} is replaced)` };
  }
  if (change.sensitive) {
    return { path, text: `${MASK} ${change.kind}` };
  }
  if (isLong(change.before) || isLong(change.after)) {
    const before = typeof change.before === 'string' ? change.before : '';
    const after = typeof change.after === 'string' ? change.after : '';
    if (change.kind === 'added') {
      return { path, text: `(text, ${plural(splitLines(after).length, 'line')})`, block: splitLines(after) };
    }
    const diff = unifiedDiff(before, after, 'before', 'after', 2);
    return { path, text: `(text, +${diff.added} -${diff.removed})`, block: diff.lines.slice(2) };
  }
  return { path, values: [show(change.before), show(change.after)] };
}

function summary(view: AttributeView, change: AttributeChange): string {
  if (view.text) return `${view.path}: ${view.text}`;
  const [before, after] = view.values!;
  return change.kind === 'added' ? `${view.path}: ${after}` : `${view.path}: ${before} → ${after}`;
}

/** A DNS record set's change as the records it adds and removes: `+ git.example.org. AAAA 2001:db8::c`. */
export function recordChangeLines(change: ResourceChange): string[] {
  if (!change.records) return [];
  return [...change.records.removed.map((l) => `- ${l}`), ...change.records.added.map((l) => `+ ${l}`)];
}

// ---------------------------------------------------------------------------------------------- text

export function renderText(report: DiffReport, options: RenderOptions): string {
  const out: string[] = [];
  out.push(`Synthesized diff: ${options.title}`);
  out.push(
    `${stackTally(report)}; resources: ${countsLine(report.counts)}; artifacts: ${artifactTally(report)}`,
  );
  if (report.protectedDestroys.length > 0) {
    out.push('');
    out.push(
      `!! DESTROYS PROTECTED: ${plural(report.protectedDestroys.length, 'protected resource')} would be destroyed or replaced`,
    );
    for (const d of report.protectedDestroys) {
      out.push(
        `!!   ${VERB[d.action as 'delete' | 'replace']}  ${d.stack}  ${d.address}  (${d.detail.replaceAll('`', '')})`,
      );
    }
    out.push(
      '!! The deploy pipeline refuses this unless the deployed commit carries, for each, a trailer like:',
    );
    const first = report.protectedDestroys[0]!;
    out.push(`!!   ${allowTrailer(first.stack, first.address)}`);
  }
  for (const w of report.protectionWarnings) {
    out.push(`!! WARNING ${w.stack}  ${w.address}: ${w.detail.replaceAll('`', '')}`);
  }
  if (report.releases.length > 0) {
    out.push('');
    out.push('upstream releases (inventory/releases.yaml):');
    for (const bump of report.releases) out.push(`  ${bumpLine(bump)}`);
  }
  const changed = report.stacks.filter((s) => s.status !== 'unchanged');
  if (changed.length === 0 && report.artifacts.length === 0) {
    out.push('');
    out.push('No changes in the synthesized output.');
    return `${out.join('\n')}\n`;
  }
  for (const stack of changed) {
    out.push('');
    out.push(`${stack.stack}${stackLabel(stack)}: ${countsLine(stack.counts)}`);
    if (stack.status === 'removed') {
      out.push(
        '  (stack removed: the pipeline no longer plans it; its resources stay until destroyed by hand)',
      );
    }
    for (const change of stack.changes) {
      const tag = change.protectedBy.length > 0 && DESTRUCTIVE.has(change.action) ? '  [protected]' : '';
      out.push(`  ${SIGN[change.action].padEnd(3)} ${VERB[change.action].padEnd(9)} ${change.address}${tag}`);
      for (const reason of change.action === 'replace' ? change.replaceReasons : []) {
        out.push(`        why: ${reason.replaceAll('`', '')}`);
      }
      for (const line of recordChangeLines(change)) out.push(`        ${line}`);
      for (const attr of change.changes) {
        const view = viewAttribute(attr);
        const n = notes(attr);
        out.push(`        ${summary(view, attr)}${n.length > 0 ? `  (${n.join('; ')})` : ''}`);
        for (const line of view.block ?? []) out.push(`          ${line}`);
      }
    }
  }
  if (report.artifacts.length > 0) {
    out.push('');
    out.push(`artifacts: ${artifactTally(report)}`);
    const max = options.maxArtifactLines ?? 400;
    for (const a of report.artifacts) {
      const sign = a.status === 'added' ? '+' : a.status === 'removed' ? '-' : '~';
      const stat = a.diff ? `  (+${a.diff.added} -${a.diff.removed})` : '  (binary)';
      out.push(`  ${sign} ${a.path}${stat}`);
      const lines = a.diff?.lines ?? [];
      if (a.diff && lines.length === 0) out.push('      (only masked values changed)');
      for (const line of lines.slice(0, max)) out.push(`      ${line}`);
      if (lines.length > max) out.push(`      … ${lines.length - max} more lines not shown`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function stackLabel(stack: StackDiff): string {
  if (stack.status === 'added') return ' (new stack)';
  if (stack.status !== 'removed') return '';
  const left = stack.changes.filter((c) => c.action === 'unmanaged').length;
  return ` (stack removed, ${plural(left, 'resource')} left unmanaged)`;
}

// ------------------------------------------------------------------------------------------ markdown

function fenced(lang: string, lines: readonly string[], indent = ''): string[] {
  const longest = Math.max(2, ...lines.map((l) => /^`+/.exec(l)?.[0].length ?? 0));
  const fence = '`'.repeat(longest + 1);
  return [`${indent}${fence}${lang}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

function dangerLine(d: Danger): string {
  const verb = d.action === 'delete' ? 'destroy' : d.action;
  return `- **${verb}** ${code(d.stack)} ${code(d.address)}: ${d.detail}`;
}

function markdownAttribute(attr: AttributeChange): string[] {
  const view = viewAttribute(attr);
  const n = notes(attr).map((x) => ` **${x}**`);
  let pretty = view.text ?? '';
  if (view.values) {
    const [before, after] = view.values;
    pretty = attr.kind === 'added' ? `(none) → ${code(after)}` : `${code(before)} → ${code(after)}`;
  }
  const lines = [`  - ${code(view.path)}: ${pretty}${n.join('')}`];
  if (view.block) lines.push(...fenced('diff', view.block, '    '));
  return lines;
}

/** The caution and warning blocks that open the diff: protected resources destroyed or weakened. */
export function cautionMarkdown(report: DiffReport): string[] {
  const out: string[] = [];
  if (report.protectedDestroys.length > 0) {
    out.push('> [!CAUTION]');
    out.push(
      `> **DESTROYS PROTECTED**: ${plural(report.protectedDestroys.length, 'protected resource')} would be destroyed or replaced.`,
    );
    out.push('>');
    for (const d of report.protectedDestroys) out.push(`> ${dangerLine(d)}`);
    out.push('>');
    out.push(
      '> The deploy pipeline refuses this unless the deployed commit carries, for each one, a trailer:',
    );
    out.push('>');
    for (const d of report.protectedDestroys) out.push(`> ${code(allowTrailer(d.stack, d.address))}`);
    out.push('');
  }
  if (report.protectionWarnings.length > 0) {
    out.push('> [!WARNING]');
    out.push('> **Protection weakened**:');
    out.push('>');
    for (const w of report.protectionWarnings) out.push(`> ${dangerLine(w)}`);
    out.push('');
  }
  return out;
}

/** The tally line and the per-stack table; `undefined` tail when nothing changed at all. */
export function overviewMarkdown(report: DiffReport): { lines: string[]; empty: boolean } {
  const out: string[] = [];
  const changed = report.stacks.filter((s) => s.status !== 'unchanged');
  out.push(
    `**${stackTally(report)}**; resources: ${countsLine(report.counts)}; artifacts: ${artifactTally(report)}.`,
  );
  out.push('');
  if (report.releases.length > 0) {
    out.push('**Upstream releases** (`inventory/releases.yaml`):');
    out.push('');
    for (const bump of report.releases) out.push(`- ${code(bumpLine(bump))}`);
    out.push('');
  }
  if (changed.length === 0 && report.artifacts.length === 0) {
    out.push('No changes in the synthesized output.');
    return { lines: out, empty: true };
  }
  if (changed.length > 0) {
    out.push('| stack | create | update | replace | destroy |');
    out.push('| --- | ---: | ---: | ---: | ---: |');
    for (const s of changed) {
      const c = s.counts;
      out.push(
        `| ${code(s.stack)}${stackLabel(s)} | ${c.create} | ${c.update} | ${c.replace} | ${c.delete} |`,
      );
    }
    out.push('');
  }
  return { lines: out, empty: false };
}

/** One attribute change on one line, long texts as their line counts: `source_raw.data: (text, +3 -2)`. */
export function attributeLine(change: AttributeChange): string {
  return summary(viewAttribute(change), change);
}

export function renderMarkdown(report: DiffReport, options: RenderOptions): string {
  const out: string[] = [];
  out.push(`### Synthesized diff: ${options.title}`);
  out.push('');
  out.push(...cautionMarkdown(report));
  const overview = overviewMarkdown(report);
  out.push(...overview.lines);
  if (overview.empty) return `${out.join('\n')}\n`;
  const changed = report.stacks.filter((s) => s.status !== 'unchanged');
  for (const stack of changed) {
    out.push(`#### ${code(stack.stack)}${stackLabel(stack)}: ${countsLine(stack.counts)}`);
    out.push('');
    if (stack.status === 'removed') {
      out.push(
        'The pipeline no longer plans this stack: its resources stay as they are until someone destroys them by hand.',
      );
      out.push('');
    }
    for (const change of stack.changes) {
      const verb = VERB[change.action];
      const loud = change.action === 'delete' || change.action === 'replace' ? `**${verb}**` : verb;
      const prot =
        change.protectedBy.length > 0 && DESTRUCTIVE.has(change.action)
          ? ` — **protected** (${change.protectedBy.join(', ')})`
          : '';
      out.push(`- ${loud} ${code(change.address)}${prot}`);
      if (change.action === 'replace') for (const r of change.replaceReasons) out.push(`  - why: ${r}`);
      const records = recordChangeLines(change);
      if (records.length > 0) out.push(...fenced('diff', records, '  '));
      if (change.action === 'create') {
        if (change.changes.length > 0) {
          out.push('');
          out.push(`  <details><summary>${plural(change.changes.length, 'attribute')}</summary>`);
          out.push('');
          const lines = change.changes.flatMap((a) => {
            const view = viewAttribute(a);
            return [summary(view, a), ...(view.block ?? []).map((l) => `    ${l}`)];
          });
          out.push(...fenced('', lines, '  '));
          out.push('');
          out.push('  </details>');
          out.push('');
        }
      } else {
        for (const attr of change.changes) out.push(...markdownAttribute(attr));
      }
    }
    out.push('');
  }
  if (report.artifacts.length > 0) {
    out.push(`#### Artifacts: ${artifactTally(report)}`);
    out.push('');
    const max = options.maxArtifactLines ?? 400;
    for (const a of report.artifacts) {
      const stat = a.diff ? `+${a.diff.added} −${a.diff.removed}` : 'binary';
      out.push(`<details><summary><code>${escapeHtml(a.path)}</code>: ${a.status} (${stat})</summary>`);
      out.push('');
      const lines = a.diff?.lines ?? [];
      if (a.diff && lines.length === 0) out.push('Only masked values changed.');
      if (lines.length > 0) {
        const shown = lines.slice(0, max);
        if (lines.length > max) shown.push(`… ${lines.length - max} more lines not shown`);
        out.push(...fenced('diff', shown));
      }
      out.push('');
      out.push('</details>');
      out.push('');
    }
  }
  // Sections end with a blank line each; never leave two in a row.
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '')}\n`;
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
