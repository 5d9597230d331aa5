// Compares two synth outputs resource by resource: what is created, updated, replaced or destroyed, and which
// of those touch a protected resource. Pure: reads nothing, runs nothing; review/synth-output.ts reads the files.
import type { ProtectedResource } from '../stacks/naming.ts';
import { PINNED_RELEASES, type ReleaseBump, releaseBumps } from '../stacks/pinned-releases.ts';
import { pushedRecords, recordLines } from './dns-records.ts';
import { type UnifiedDiff, unifiedDiff } from './line-diff.ts';
import { isSensitivePath, isSensitiveValue, maskText } from './mask.ts';
import { replacementRule, withoutIndexes } from './replacement.ts';
import type { StackJson } from '../stacks/stack-json.ts';
import type { SynthOutput } from './synth-output.ts';

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'unmanaged' | 'ignored';

export interface AttributeChange {
  /** `disk[1].size`, `initialization.user_account.keys`. */
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
  readonly before?: unknown;
  readonly after?: unknown;
  /** Shown masked: the name or the value looks secret. */
  readonly sensitive: boolean;
  /** Set when this change alone makes Terraform replace the resource. */
  readonly forcesReplacement?: boolean;
  /** Under `lifecycle.ignore_changes`: Terraform will not act on it. */
  readonly ignored?: boolean;
  /** The value depends on a resource being replaced, so Terraform only knows it after apply. */
  readonly knownAfterApply?: string;
}

export interface ResourceChange {
  readonly stack: string;
  /** `type.name` for a resource, `data.type.name`, `provider.name`, `output.name`, `terraform`, `locals`. */
  readonly address: string;
  readonly kind: 'resource' | 'data' | 'setting';
  readonly action: Action;
  /** Why the resource is protected (`lifecycle.prevent_destroy`, `inventory: protected VM db1`); empty if not. */
  readonly protectedBy: readonly string[];
  /** For update/replace the differences; for create every attribute (as added). */
  readonly changes: readonly AttributeChange[];
  /** Human-readable: which attribute forces the replacement. */
  readonly replaceReasons: readonly string[];
  /** `prevent_destroy` was removed while the resource stays: the first step of a later destroy. */
  readonly protectionRemoved: boolean;
  /** A DNS record set: the records it adds and removes, `git.example.org. AAAA 2001:db8::c`. */
  readonly records?: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

export interface Counts {
  create: number;
  update: number;
  replace: number;
  delete: number;
}

export interface StackDiff {
  readonly stack: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  /** Destroys first, then replacements, updates, creations; resources before data sources and settings. */
  readonly changes: readonly ResourceChange[];
  readonly counts: Counts;
}

export interface ArtifactChange {
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Undefined for a binary file. */
  readonly diff?: UnifiedDiff;
}

export interface Danger {
  readonly stack: string;
  readonly address: string;
  /** `delete`/`replace` destroy data; `unmanaged` and `unprotected` are the warnings before one. */
  readonly action: 'delete' | 'replace' | 'unmanaged' | 'unprotected';
  readonly detail: string;
}

export interface DiffReport {
  readonly stacks: readonly StackDiff[];
  readonly artifacts: readonly ArtifactChange[];
  /** Upstream releases bumped, rolled back, pinned or dropped (inventory/releases.yaml). */
  readonly releases: readonly ReleaseBump[];
  /** Protected resources that would be destroyed or replaced; `--fail-on-destroy` fails on these. */
  readonly protectedDestroys: readonly Danger[];
  /** Protected resources that lose their protection or their stack: shown as loudly, but not destroyed yet. */
  readonly protectionWarnings: readonly Danger[];
  readonly counts: Counts;
}

export interface DiffOptions {
  /** Protected resources from the inventories on both sides; `lifecycle.prevent_destroy` is read from the JSON. */
  readonly protectedResources?: readonly ProtectedResource[];
}

type Json = Readonly<Record<string, unknown>>;

interface Item {
  readonly address: string;
  readonly kind: ResourceChange['kind'];
  readonly type?: string;
  readonly value: unknown;
}

export function diffSynthOutputs(
  base: SynthOutput,
  head: SynthOutput,
  options: DiffOptions = {},
): DiffReport {
  const inventoryProtected = new Map<string, string>();
  for (const p of options.protectedResources ?? []) {
    inventoryProtected.set(`${p.stack}/${p.address}`, `inventory: protected VM ${p.vm}`);
  }
  const names = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort();
  const stacks = names.map((stack) =>
    diffStack(stack, base.stacks.get(stack), head.stacks.get(stack), inventoryProtected),
  );

  const protectedDestroys: Danger[] = [];
  const protectionWarnings: Danger[] = [];
  for (const stack of stacks) {
    for (const change of stack.changes) {
      if (change.kind !== 'resource') continue;
      const by = change.protectedBy.join(', ');
      if (change.protectedBy.length > 0 && (change.action === 'delete' || change.action === 'replace')) {
        const why = change.action === 'replace' ? `; ${change.replaceReasons.join('; ')}` : '';
        protectedDestroys.push({
          stack: stack.stack,
          address: change.address,
          action: change.action,
          detail: `${by}${why}`,
        });
      } else if (change.protectedBy.length > 0 && change.action === 'unmanaged') {
        protectionWarnings.push({
          stack: stack.stack,
          address: change.address,
          action: 'unmanaged',
          detail: `${by}; its stack is gone, so the pipeline no longer manages it (nothing is destroyed)`,
        });
      } else if (change.protectionRemoved) {
        protectionWarnings.push({
          stack: stack.stack,
          address: change.address,
          action: 'unprotected',
          detail: 'lifecycle.prevent_destroy removed: a later change can destroy it',
        });
      }
    }
  }

  const counts = emptyCounts();
  for (const s of stacks) for (const key of COUNT_KEYS) counts[key] += s.counts[key];
  return {
    stacks,
    artifacts: diffArtifacts(base, head),
    releases: releaseBumps(
      base.artifacts.get(PINNED_RELEASES)?.text,
      head.artifacts.get(PINNED_RELEASES)?.text,
    ),
    protectedDestroys,
    protectionWarnings,
    counts,
  };
}

const COUNT_KEYS = ['create', 'update', 'replace', 'delete'] as const;

function emptyCounts(): Counts {
  return { create: 0, update: 0, replace: 0, delete: 0 };
}

/** Why a resource of one stack is protected: its `prevent_destroy` on either side, or the inventory. */
type ProtectedBy = (address: string, ...sides: (Item | undefined)[]) => string[];

function protection(stack: string, inventoryProtected: ReadonlyMap<string, string>): ProtectedBy {
  return (address, ...sides) => {
    const reasons: string[] = [];
    if (sides.some((item) => item && preventDestroy(item.value))) reasons.push('lifecycle.prevent_destroy');
    const fromInventory = inventoryProtected.get(`${stack}/${address}`);
    if (fromInventory) reasons.push(fromInventory);
    return reasons;
  };
}

function diffStack(
  stack: string,
  before: StackJson | undefined,
  after: StackJson | undefined,
  inventoryProtected: ReadonlyMap<string, string>,
): StackDiff {
  const status: StackDiff['status'] = !before ? 'added' : !after ? 'removed' : 'changed';
  // A whole stack coming or going is about its resources; its provider and backend settings go with it.
  const wholeStack = (all: Map<string, Item>): Map<string, Item> =>
    status === 'changed' ? all : new Map([...all].filter(([, item]) => item.kind === 'resource'));
  const beforeItems = wholeStack(items(before));
  const afterItems = wholeStack(items(after));
  const protectedBy = protection(stack, inventoryProtected);
  const changes = new Map<string, ResourceChange>();

  for (const [address, old] of beforeItems) {
    const change = changeOf(stack, address, old, afterItems.get(address), status, protectedBy);
    if (change) changes.set(address, change);
  }
  for (const [address, next] of afterItems) {
    if (!beforeItems.has(address)) changes.set(address, creation(stack, address, next));
  }

  propagateReplacements(stack, beforeItems, afterItems, changes, protectedBy);
  for (const [address, change] of changes) {
    const records = dnsRecordChanges(beforeItems.get(address), afterItems.get(address));
    if (records) changes.set(address, { ...change, records });
  }

  const ordered = [...changes.values()].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
      a.address.localeCompare(b.address),
  );
  const finalStatus = status === 'changed' && ordered.length === 0 ? 'unchanged' : status;
  return { stack, status: finalStatus, changes: ordered, counts: resourceCounts(ordered) };
}

/** What becomes of an item of the base: deleted (or left unmanaged with its stack), changed, or nothing. */
function changeOf(
  stack: string,
  address: string,
  old: Item,
  next: Item | undefined,
  status: StackDiff['status'],
  protectedBy: ProtectedBy,
): ResourceChange | undefined {
  if (!next)
    return {
      stack,
      address,
      kind: old.kind,
      // A stack that disappears is no longer planned at all: its resources stay, unmanaged.
      action: status === 'removed' ? 'unmanaged' : 'delete',
      protectedBy: old.kind === 'resource' ? protectedBy(address, old) : [],
      changes: [],
      replaceReasons: [],
      protectionRemoved: false,
    };
  const attrs = compareItem(old, next);
  if (attrs.length === 0) return undefined;
  const effective = attrs.filter((a) => !a.ignored);
  const forcing = effective.filter((a) => a.forcesReplacement);
  return {
    stack,
    address,
    kind: old.kind,
    action: effective.length === 0 ? 'ignored' : forcing.length > 0 ? 'replace' : 'update',
    protectedBy: old.kind === 'resource' ? protectedBy(address, old, next) : [],
    changes: attrs,
    replaceReasons: forcing.map((a) => `\`${a.path}\` forces replacement`),
    protectionRemoved: preventDestroy(old.value) && !preventDestroy(next.value),
  };
}

/** A new item: every attribute shows as added. */
function creation(stack: string, address: string, next: Item): ResourceChange {
  return {
    stack,
    address,
    kind: next.kind,
    action: 'create',
    protectedBy: [],
    changes: [...flatten(next.value)].map(([path, value]) => ({
      path,
      kind: 'added' as const,
      after: value,
      sensitive: isSensitivePath(path) || isSensitiveValue(value),
    })),
    replaceReasons: [],
    protectionRemoved: false,
  };
}

/** How many resources (not data sources or settings) are created, updated, replaced and deleted. */
function resourceCounts(changes: readonly ResourceChange[]): Counts {
  const counts = emptyCounts();
  for (const c of changes) {
    if (c.kind !== 'resource') continue;
    if (c.action === 'create' || c.action === 'update' || c.action === 'replace' || c.action === 'delete') {
      counts[c.action]++;
    }
  }
  return counts;
}

/** What a change of a hashicorp/dns resource does to the records themselves; undefined for other types. */
function dnsRecordChanges(
  before: Item | undefined,
  after: Item | undefined,
): ResourceChange['records'] | undefined {
  const lines = (item: Item | undefined): string[] =>
    item?.kind === 'resource' ? recordLines(pushedRecords(item.type ?? '', asJson(item.value) ?? {})) : [];
  const old = lines(before);
  const next = lines(after);
  if (old.length === 0 && next.length === 0) return undefined;
  // A TTL change replaces the whole set: every record goes and comes back.
  const ttl = (item: Item | undefined): unknown => asJson(item?.value)?.ttl;
  const replaced = before && after && ttl(before) !== ttl(after);
  return {
    added: next.filter((l) => replaced || !old.includes(l)),
    removed: old.filter((l) => replaced || !next.includes(l)),
  };
}

const KIND_ORDER: Record<ResourceChange['kind'], number> = { resource: 0, data: 1, setting: 2 };
const ACTION_ORDER: Record<Action, number> = {
  delete: 0,
  replace: 1,
  update: 2,
  create: 3,
  unmanaged: 4,
  ignored: 5,
};

/**
 * Terraform replaces a resource whose replace-forcing attribute refers to a resource that is replaced (the id
 * becomes unknown at plan time), e.g. a VM whose `initialization.user_data_file_id` points at a cloud-init
 * snippet file that is re-uploaded. Other references to it only become "known after apply".
 */
function propagateReplacements(
  stack: string,
  beforeItems: ReadonlyMap<string, Item>,
  afterItems: ReadonlyMap<string, Item>,
  changes: Map<string, ResourceChange>,
  protectedBy: ProtectedBy,
): void {
  for (let round = 0; round < afterItems.size; round++) {
    const replaced = new Set(
      [...changes.values()].filter((c) => c.action === 'replace').map((c) => c.address),
    );
    if (replaced.size === 0) return;
    let grew = false;
    for (const [address, next] of afterItems) {
      const old = beforeItems.get(address);
      const current = changes.get(address);
      if (!old || next.kind !== 'resource' || current?.action === 'replace') continue;
      const ignore = ignoreChanges(next.value);
      const added: AttributeChange[] = [];
      const reasons: string[] = [];
      for (const [path, value] of flatten(next.value)) {
        if (typeof value !== 'string' || isIgnored(path, ignore)) continue;
        const target = [...referencedAddresses(value)].find((ref) => replaced.has(ref));
        if (!target) continue;
        if (current?.changes.some((c) => c.path === path)) continue;
        const forces =
          replacementRule(next.type ?? '', { path, kind: 'changed' }, asJson(next.value)) !== undefined;
        added.push({
          path,
          kind: 'changed',
          before: value,
          after: value,
          sensitive: false,
          forcesReplacement: forces,
          knownAfterApply: target,
        });
        if (forces) reasons.push(`\`${path}\` refers to \`${target}\`, which is replaced`);
      }
      if (added.length === 0) continue;
      grew = true;
      const base: ResourceChange = current ?? {
        stack,
        address,
        kind: 'resource',
        action: 'update',
        protectedBy: protectedBy(address, old, next),
        changes: [],
        replaceReasons: [],
        protectionRemoved: false,
      };
      changes.set(address, {
        ...base,
        action: reasons.length > 0 ? 'replace' : base.action === 'ignored' ? 'update' : base.action,
        changes: [...base.changes, ...added].sort((a, b) => comparePaths(a.path, b.path)),
        replaceReasons: [...base.replaceReasons, ...reasons],
      });
    }
    if (!grew) return;
  }
}

/** Addresses a Terraform expression refers to: `${proxmox_virtual_environment_file.gitea.id}` → that file. */
function referencedAddresses(value: string): Set<string> {
  const refs = new Set<string>();
  for (const expr of value.matchAll(/\$\{([^}]*)\}/g)) {
    for (const m of expr[1]!.matchAll(/(?<![\w.])([a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)/g)) {
      if (!m[1]!.startsWith('data.') && !m[1]!.startsWith('var.') && !m[1]!.startsWith('local.'))
        refs.add(m[1]!);
    }
  }
  return refs;
}

function items(stack: StackJson | undefined): Map<string, Item> {
  const out = new Map<string, Item>();
  if (!stack) return out;
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, value] of Object.entries(byName)) {
      out.set(`${type}.${name}`, { address: `${type}.${name}`, kind: 'resource', type, value });
    }
  }
  for (const [type, byName] of Object.entries(stack.data ?? {})) {
    for (const [name, value] of Object.entries(byName)) {
      out.set(`data.${type}.${name}`, { address: `data.${type}.${name}`, kind: 'data', type, value });
    }
  }
  for (const section of ['provider', 'output', 'variable'] as const) {
    for (const [name, value] of Object.entries(stack[section] ?? {})) {
      out.set(`${section}.${name}`, { address: `${section}.${name}`, kind: 'setting', value });
    }
  }
  for (const section of ['terraform', 'locals'] as const) {
    const value = stack[section];
    if (value !== undefined) out.set(section, { address: section, kind: 'setting', value });
  }
  return out;
}

function compareItem(old: Item, next: Item): AttributeChange[] {
  const before = flatten(old.value);
  const after = flatten(next.value);
  const ignore = next.kind === 'resource' ? ignoreChanges(next.value) : [];
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(comparePaths);
  const out: AttributeChange[] = [];
  for (const path of paths) {
    const hasBefore = before.has(path);
    const hasAfter = after.has(path);
    const b = before.get(path);
    const a = after.get(path);
    if (hasBefore && hasAfter && sameValue(b, a)) continue;
    const kind = !hasBefore ? 'added' : !hasAfter ? 'removed' : 'changed';
    const ignored = isIgnored(path, ignore);
    const forces =
      next.kind === 'resource' &&
      !ignored &&
      replacementRule(next.type ?? '', { path, kind }, asJson(next.value)) !== undefined;
    out.push({
      path,
      kind,
      ...(hasBefore ? { before: b } : {}),
      ...(hasAfter ? { after: a } : {}),
      sensitive: isSensitivePath(path) || isSensitiveValue(b) || isSensitiveValue(a),
      ...(forces ? { forcesReplacement: true } : {}),
      ...(ignored ? { ignored: true } : {}),
    });
  }
  return out;
}

/**
 * Leaf values by attribute path. Lists of plain values stay one leaf (`tags: ["web"]`); blocks are walked.
 * cdktf's `//` metadata (construct paths) is left out: it changes with code layout, not with infrastructure.
 */
export function flatten(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.every((v) => v === null || typeof v !== 'object')) {
      if (path !== '') out.set(path, value);
      return out;
    }
    value.forEach((v, i) => {
      flatten(v, `${path}[${i}]`, out);
    });
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => k !== '//');
    if (keys.length === 0 && path !== '') out.set(path, {});
    for (const key of keys.sort()) {
      flatten((value as Json)[key], path === '' ? key : `${path}.${key}`, out);
    }
    return out;
  }
  out.set(path, value);
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Orders `disk[2]` before `disk[10]`, and a block's attributes together. */
export function comparePaths(a: string, b: string): number {
  const ta = a.split(/[.[\]]+/).filter(Boolean);
  const tb = b.split(/[.[\]]+/).filter(Boolean);
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

function asJson(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function lifecycle(value: unknown): Json | undefined {
  return asJson(asJson(value)?.lifecycle);
}

function preventDestroy(value: unknown): boolean {
  return lifecycle(value)?.prevent_destroy === true;
}

function ignoreChanges(value: unknown): readonly string[] | 'all' {
  const ignore = lifecycle(value)?.ignore_changes;
  if (ignore === 'all') return 'all';
  return Array.isArray(ignore)
    ? ignore.filter((x): x is string => typeof x === 'string').map(withoutIndexes)
    : [];
}

function isIgnored(path: string, ignore: readonly string[] | 'all'): boolean {
  if (path.startsWith('lifecycle')) return false;
  if (ignore === 'all') return true;
  const plain = withoutIndexes(path);
  return ignore.some((entry) => plain === entry || plain.startsWith(`${entry}.`));
}

function diffArtifacts(base: SynthOutput, head: SynthOutput): ArtifactChange[] {
  const paths = [...new Set([...base.artifacts.keys(), ...head.artifacts.keys()])].sort();
  const out: ArtifactChange[] = [];
  for (const path of paths) {
    const old = base.artifacts.get(path);
    const next = head.artifacts.get(path);
    if (old && next && old.bytes.equals(next.bytes)) continue;
    const status = !old ? 'added' : !next ? 'removed' : 'changed';
    const binary = (old && old.text === undefined) || (next && next.text === undefined);
    if (binary) {
      out.push({ path, status });
      continue;
    }
    const diff = unifiedDiff(
      maskText(old?.text ?? ''),
      maskText(next?.text ?? ''),
      old ? `a/${path}` : '/dev/null',
      next ? `b/${path}` : '/dev/null',
    );
    out.push({ path, status, diff });
  }
  return out;
}
