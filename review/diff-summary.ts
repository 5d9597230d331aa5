// The synthesized diff as the pull request comment shows it: per stack one line per resource (action, why it is
// replaced, the few attributes that changed, long texts as line counts), and the generated files summarised per
// VM. The full diff (review/diff-render.ts) is the build artifact; this one fits a comment.
import type { ArtifactChange, DiffReport, ResourceChange } from './diff.ts';
import {
  artifactTally,
  attributeLine,
  cautionMarkdown,
  countsLine,
  overviewMarkdown,
  plural,
  type RenderOptions,
  stackLabel,
} from './diff-render.ts';
import { code } from './markdown.ts';

export interface SummaryOptions extends RenderOptions {
  /** Where the full diff is, named under the summary. */
  readonly fullDiff: string;
  /** Attributes named per resource before "and N more". @default 4 */
  readonly maxAttributes?: number;
}

const VERB: Record<ResourceChange['action'], string> = {
  delete: '**destroy**',
  replace: '**replace**',
  update: 'update',
  create: 'create',
  unmanaged: '**unmanaged**',
  ignored: 'ignored',
};

function resourceLine(change: ResourceChange, max: number): string {
  const parts = [`- ${VERB[change.action]} ${code(change.address)}`];
  if (change.protectedBy.length > 0 && change.action !== 'create' && change.action !== 'update')
    parts.push(` — **protected** (${change.protectedBy.join(', ')})`);
  if (change.action === 'replace' && change.replaceReasons.length > 0)
    parts.push(`; why: ${change.replaceReasons.slice(0, 2).join('; ')}`);
  if (change.records)
    parts.push(`; records +${change.records.added.length} −${change.records.removed.length}`);
  if (change.action !== 'create' && change.changes.length > 0) {
    const shown = change.changes.slice(0, max).map((a) => code(attributeLine(a).slice(0, 120)));
    const more = change.changes.length - shown.length;
    parts.push(`; ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (change.action === 'create') parts.push(` (${plural(change.changes.length, 'attribute')})`);
  return parts.join('');
}

/** `cloud-init/git.yaml` and `ansible/vms/git.yml` belong to VM git; other files stand alone. */
function vmOf(path: string): string | undefined {
  return /^(?:cloud-init|ansible\/vms)\/([^/]+)\.ya?ml$/.exec(path)?.[1];
}

function stat(a: ArtifactChange): string {
  return `${a.status}${a.diff ? ` +${a.diff.added} −${a.diff.removed}` : ''}`;
}

function artifactLines(artifacts: readonly ArtifactChange[]): string[] {
  const byVm = new Map<string, ArtifactChange[]>();
  const other: ArtifactChange[] = [];
  for (const a of artifacts) {
    const vm = vmOf(a.path);
    if (vm) byVm.set(vm, [...(byVm.get(vm) ?? []), a]);
    else other.push(a);
  }
  const lines: string[] = [];
  for (const [vm, list] of [...byVm].sort(([x], [y]) => x.localeCompare(y)))
    lines.push(`- VM ${code(vm)}: ${list.map((a) => `${a.path.split('/')[0]} (${stat(a)})`).join(', ')}`);
  for (const a of other) lines.push(`- ${code(a.path)}: ${stat(a)}`);
  return lines;
}

export function renderSummary(report: DiffReport, options: SummaryOptions): string {
  const out = [`### Synthesized diff: ${options.title}`, ''];
  out.push(...cautionMarkdown(report));
  const overview = overviewMarkdown(report);
  out.push(...overview.lines);
  if (overview.empty) return `${out.join('\n')}\n`;
  for (const stack of report.stacks.filter((s) => s.status !== 'unchanged')) {
    out.push(`#### ${code(stack.stack)}${stackLabel(stack)}: ${countsLine(stack.counts)}`, '');
    for (const change of stack.changes) out.push(resourceLine(change, options.maxAttributes ?? 4));
    out.push('');
  }
  if (report.artifacts.length > 0) {
    out.push(`#### Generated files: ${artifactTally(report)}`, '', ...artifactLines(report.artifacts), '');
  }
  out.push(`The full diff, every changed line, is the build artifact ${code(options.fullDiff)}.`);
  return `${out.join('\n')}\n`;
}
