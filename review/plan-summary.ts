// Turns `terraform show -json` of a saved plan into a short Markdown summary for a pull-request comment.
import { comparePaths } from './diff.ts';
import { isSensitivePath, isSensitiveValue, MASK } from './mask.ts';
import { code } from './markdown.ts';
import {
  formatAttributePath,
  type PathSegment,
  type Plan,
  type PlanAction,
  planAction,
  type ResourceChangeJson,
} from './plan.ts';

export interface PlanSummaryOptions {
  /** Heading, e.g. the stack name. @default "Terraform plan" */
  readonly title?: string;
  /** Lines of resource entries shown before the rest is cut with a note. @default 300 */
  readonly maxLines?: number;
  /** Attribute lines shown per resource. @default 20 */
  readonly maxAttributes?: number;
}

/** Why Terraform chose an action, from `action_reason`, in words. */
const REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: 'the object is tainted',
  replace_because_cannot_update: 'the provider cannot update it in place',
  replace_by_request: 'replacement was requested with -replace',
  replace_by_triggers: 'a replace_triggered_by reference changed',
  delete_because_no_resource_config: 'it is no longer in the configuration',
  delete_because_wrong_repetition: 'count/for_each changed',
  delete_because_count_index: 'its count index is gone',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_module: 'its module is gone',
  delete_because_no_move_target: 'its moved block has no target',
  read_because_config_unknown: 'its configuration is known only after apply',
  read_because_dependency_pending: 'a dependency has changes pending',
  read_because_check_nested: 'a check block reads it',
};

type Shown = PlanAction | 'move' | 'import';

const ORDER: readonly Shown[] = ['delete', 'replace', 'update', 'create', 'read', 'forget', 'move', 'import'];

const WORD: Record<Shown, string> = {
  delete: 'destroy',
  replace: 'replace',
  update: 'update',
  create: 'create',
  read: 'read',
  forget: 'forget',
  move: 'move',
  import: 'import',
  'no-op': 'no-op',
};

interface Entry {
  readonly action: Shown;
  readonly rc: ResourceChangeJson;
}

function entries(changes: readonly ResourceChangeJson[]): Entry[] {
  const out: Entry[] = [];
  for (const rc of changes) {
    let action: Shown = planAction(rc.change.actions);
    if (action === 'no-op' && rc.change.importing !== undefined && rc.change.importing !== null)
      action = 'import';
    else if (action === 'no-op' && rc.previous_address && rc.previous_address !== rc.address) action = 'move';
    if (action !== 'no-op') out.push({ action, rc });
  }
  return out.sort(
    (a, b) => ORDER.indexOf(a.action) - ORDER.indexOf(b.action) || a.rc.address.localeCompare(b.rc.address),
  );
}

function countsOf(list: readonly Entry[]): Map<Shown, number> {
  const counts = new Map<Shown, number>();
  for (const e of list) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  return counts;
}

function countsText(counts: ReadonlyMap<Shown, number>): string {
  const main = (['create', 'update', 'replace', 'delete'] as const).map(
    (a) => `${counts.get(a) ?? 0} to ${WORD[a]}`,
  );
  const extra = (['read', 'forget', 'move', 'import'] as const)
    .filter((a) => (counts.get(a) ?? 0) > 0)
    .map((a) => `${counts.get(a)} to ${WORD[a]}`);
  return [...main, ...extra].join(', ');
}

export function summarizePlan(plan: Plan, options: PlanSummaryOptions = {}): string {
  const maxLines = options.maxLines ?? 300;
  const changes = entries(plan.resource_changes ?? []);
  const drift = entries(plan.resource_drift ?? []);
  const counts = countsOf(changes);
  const out: string[] = [];
  out.push(`### ${options.title ?? 'Terraform plan'}`);
  out.push('');
  if (plan.errored) {
    out.push('> [!WARNING]');
    out.push('> The plan **errored**: below is what Terraform planned before the error; see the CI log.');
    out.push('');
  } else if (plan.complete === false) {
    out.push('> [!NOTE]');
    out.push(
      '> The plan is **incomplete** (deferred or unknown parts): another plan after apply will show more.',
    );
    out.push('');
  }
  const destroying = changes.filter((e) => e.action === 'delete' || e.action === 'replace');
  if (destroying.length > 0) {
    out.push('> [!CAUTION]');
    out.push(
      `> **${counts.get('delete') ?? 0} to destroy, ${counts.get('replace') ?? 0} to replace**: the data in these is gone after apply.`,
    );
    out.push('>');
    for (const e of destroying.slice(0, 50)) out.push(`> - **${WORD[e.action]}** ${code(e.rc.address)}`);
    if (destroying.length > 50) out.push(`> - … and ${destroying.length - 50} more`);
    out.push('');
  }
  const version = plan.terraform_version ? ` (Terraform/OpenTofu ${plan.terraform_version})` : '';
  out.push(`**${countsText(counts)}**${version}`);
  out.push('');
  if (changes.length === 0 && drift.length === 0) {
    out.push('No changes: the infrastructure matches the configuration.');
    return `${out.join('\n')}\n`;
  }

  let budget = maxLines;
  let cut = 0;
  const emit = (list: readonly Entry[], render: (e: Entry) => string[]): void => {
    for (const e of list) {
      const lines = render(e);
      if (cut > 0 || lines.length > budget) {
        cut++;
        continue;
      }
      out.push(...lines);
      budget -= lines.length;
    }
  };
  emit(changes, (e) => entryLines(e, options.maxAttributes ?? 20, false));
  if (drift.length > 0) {
    if (cut === 0) {
      out.push('');
      out.push(`#### Drift: ${drift.length} changed outside Terraform`);
      out.push('');
      out.push('Terraform found these different from its state; the plan above already accounts for them.');
      out.push('');
    }
    emit(drift, (e) => entryLines(e, options.maxAttributes ?? 20, true));
  }
  if (cut > 0) {
    out.push('');
    out.push(
      `… ${cut} more ${cut === 1 ? 'entry' : 'entries'} not shown (over ${maxLines} lines); the CI log has the whole plan (\`terraform show plan.tfplan\`).`,
    );
  }
  return `${out.join('\n')}\n`;
}

function entryLines(e: Entry, maxAttributes: number, drift: boolean): string[] {
  const { rc, action } = e;
  const word = drift ? (action === 'delete' ? 'deleted outside' : 'changed outside') : WORD[action];
  const loud = !drift && (action === 'delete' || action === 'replace') ? `**${word}**` : word;
  const why: string[] = [];
  if (action === 'replace' && rc.change.replace_paths && rc.change.replace_paths.length > 0) {
    why.push(
      `${rc.change.replace_paths.map((p) => code(formatAttributePath(p))).join(', ')} forces replacement`,
    );
  }
  if (rc.action_reason && REASONS[rc.action_reason]) why.push(REASONS[rc.action_reason]!);
  else if (rc.action_reason) why.push(rc.action_reason);
  if (action === 'move') why.push(`from ${code(rc.previous_address ?? '')}`);
  if (action === 'forget') why.push('removed from the state; the object itself stays');
  const head = `- ${loud} ${code(rc.address)}${why.length > 0 ? ` — ${why.join('; ')}` : ''}`;
  if (action !== 'update' && action !== 'replace' && !drift) return [head];
  const attrs = attributeLines(rc);
  const shown = attrs.slice(0, maxAttributes);
  if (attrs.length > maxAttributes) shown.push(`  - … ${attrs.length - maxAttributes} more attributes`);
  return [head, ...shown];
}

interface Leaf {
  readonly segments: readonly PathSegment[];
  readonly value: unknown;
}

const UNKNOWN = Symbol('known after apply');

function leaves(
  value: unknown,
  segments: PathSegment[] = [],
  out = new Map<string, Leaf>(),
): Map<string, Leaf> {
  if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    value.forEach((v, i) => {
      leaves(v, [...segments, i], out);
    });
  } else if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  ) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...segments, k], out);
  } else if (segments.length > 0) {
    out.set(formatAttributePath(segments), { segments, value });
  }
  return out;
}

/** Whether a `*_sensitive`/`after_unknown` mirror marks the path (or a part of the value at it) true. */
function marked(mirror: unknown, segments: readonly PathSegment[]): boolean {
  let node = mirror;
  for (const s of segments) {
    if (node === true) return true;
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string | number, unknown>)[s];
  }
  return containsTrue(node);
}

function containsTrue(node: unknown): boolean {
  if (node === true) return true;
  if (node !== null && typeof node === 'object') return Object.values(node).some(containsTrue);
  return false;
}

/** Paths that `after_unknown` marks but `after` lacks: attributes known only after apply. */
function unknownLeaves(
  mirror: unknown,
  segments: PathSegment[] = [],
  out = new Map<string, Leaf>(),
): Map<string, Leaf> {
  if (mirror === true && segments.length > 0) {
    out.set(formatAttributePath(segments), { segments, value: UNKNOWN });
  } else if (mirror !== null && typeof mirror === 'object') {
    for (const [k, v] of Object.entries(mirror)) {
      unknownLeaves(v, [...segments, Array.isArray(mirror) ? Number(k) : k], out);
    }
  }
  return out;
}

function attributeLines(rc: ResourceChangeJson): string[] {
  const c = rc.change;
  const before = leaves(c.before);
  const after = leaves(c.after);
  for (const [path, leaf] of unknownLeaves(c.after_unknown)) {
    // A block known only after apply shows as its old attributes turning unknown, not as one more line.
    const covered = [...before.keys()].some((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
    if (!after.has(path) && !covered) after.set(path, leaf);
  }
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(comparePaths);
  const isMarkedSensitive = (path: string, leaf: Leaf): boolean =>
    marked(c.before_sensitive, leaf.segments) ||
    marked(c.after_sensitive, leaf.segments) ||
    isSensitivePath(path) ||
    isSensitiveValue(leaf.value);
  // Terraform marks `input` sensitive but not an `output` that copies it: hide every copy of a secret value.
  const secrets = new Set<string>();
  for (const side of [before, after]) {
    for (const [path, leaf] of side) {
      if (typeof leaf.value === 'string' && leaf.value.length >= 4 && isMarkedSensitive(path, leaf)) {
        secrets.add(leaf.value);
      }
    }
  }
  const holdsSecret = (leaf: Leaf | undefined): boolean =>
    leaf !== undefined &&
    [...secrets].some((secret) => JSON.stringify(leaf.value)?.includes(secret) ?? false);

  const lines: string[] = [];
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    const segments = (a ?? b)!.segments;
    const unknown = a?.value === UNKNOWN || marked(c.after_unknown, segments);
    if (!unknown && b && a && JSON.stringify(b.value) === JSON.stringify(a.value)) continue;
    const sensitive =
      (b !== undefined && isMarkedSensitive(path, b)) ||
      (a !== undefined && a.value !== UNKNOWN && isMarkedSensitive(path, a)) ||
      holdsSecret(b) ||
      (a?.value !== UNKNOWN && holdsSecret(a));
    lines.push(`  - ${code(path)}: ${describe(b, unknown ? undefined : a, unknown, sensitive)}`);
  }
  return lines;
}

function describe(b: Leaf | undefined, a: Leaf | undefined, unknown: boolean, sensitive: boolean): string {
  const after = unknown ? '(known after apply)' : a === undefined ? '(none)' : show(a.value, sensitive);
  if (sensitive && !unknown)
    return b === undefined ? `${MASK} added` : a === undefined ? `${MASK} removed` : `${MASK} changed`;
  const before = b === undefined ? '(none)' : show(b.value, sensitive);
  return `${before} → ${after}`;
}

function show(value: unknown, sensitive: boolean): string {
  if (sensitive) return MASK;
  if (typeof value === 'string' && (value.includes('\n') || value.length > 80)) {
    return `(text, ${value.split('\n').length} lines)`;
  }
  return code(JSON.stringify(value) ?? 'null');
}
