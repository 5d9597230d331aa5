// Decides whether a saved plan may be applied: no protected resource is destroyed or replaced, unprotected, or
// loses or shrinks a disk, unless the deployed commits say so, one `Allow-Destroy:` trailer per resource, written
// and reviewed in the pull request.
import { spawnSync } from 'node:child_process';
import { ACCESS_TRAILER } from './access-changes.ts';
import { type Plan, planAction } from './plan.ts';

export const TRAILER = 'Allow-Destroy';

/** Protected addresses of one stack and why each is protected. */
export type Protections = Map<string, string[]>;

export function addProtection(protections: Protections, address: string, reason: string): void {
  const reasons = protections.get(address) ?? [];
  if (!reasons.includes(reason)) reasons.push(reason);
  protections.set(address, reasons);
}

/** What the plan would do to a protected resource: each needs the resource's trailer. */
export type GateAction = 'delete' | 'replace' | 'unprotect' | 'disk';

export interface GateItem {
  readonly address: string;
  readonly action: GateAction;
  readonly reasons: readonly string[];
  /** The exact trailer line that allows it. */
  readonly trailer: string;
}

export interface GateDecision {
  readonly stack: string;
  readonly ok: boolean;
  /** Resource changes in the plan, no-ops left out. */
  readonly changes: number;
  readonly refused: readonly GateItem[];
  /** Protected, but the commit carries the trailer. */
  readonly allowed: readonly GateItem[];
  /** Why the plan itself cannot be trusted (errored). */
  readonly problem?: string;
}

/**
 * Protection visible in the plan itself: Proxmox's own `protection` flag in the prior state (set on every
 * protected VM, and still there when the VM has left the inventory), and `prevent_destroy` should a tool
 * ever show lifecycle settings in `configuration`.
 */
export function protectionsInPlan(plan: Plan): Protections {
  const found: Protections = new Map();
  for (const rc of plan.resource_changes ?? []) {
    const before = rc.change.before;
    if (
      rc.type.startsWith('proxmox_') &&
      before !== null &&
      typeof before === 'object' &&
      (before as Record<string, unknown>).protection === true
    ) {
      addProtection(found, rc.address, 'Proxmox protection flag in the state');
    }
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const lifecycle = record.lifecycle as Record<string, unknown> | undefined;
    if (
      typeof record.address === 'string' &&
      (record.prevent_destroy === true || lifecycle?.prevent_destroy === true)
    ) {
      addProtection(found, record.address, 'lifecycle.prevent_destroy');
    }
    Object.values(record).forEach(walk);
  };
  walk(plan.configuration);
  return found;
}

/**
 * The `Allow-Destroy:` values of one commit message's trailer block, as git itself finds it (`git
 * interpret-trailers --parse`, with `--no-divider` as `git log --format=%(trailers)` reads commits): a line
 * quoted in the body, or a squashed commit's trailer in the middle of a squash message, does not count.
 * The key is matched case-insensitively, like git does.
 */
export function allowDestroyTrailers(message: string): string[] {
  return trailerValues(message, TRAILER);
}

/** The `Allow-Access:` values of one commit message (same parsing): access changes a reviewer accepted. */
export function allowAccessTrailers(message: string): string[] {
  return trailerValues(message, ACCESS_TRAILER);
}

function trailerValues(message: string, key: string): string[] {
  const run = spawnSync('git', ['interpret-trailers', '--parse', '--no-divider'], {
    input: message,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`git interpret-trailers failed: ${(run.stderr ?? '').trim()}`);
  const prefix = `${key.toLowerCase()}:`;
  const out: string[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.toLowerCase().startsWith(prefix)) continue;
    const match = /^\s*(\S+)\s*$/.exec(line.slice(prefix.length));
    if (match) out.push(match[1]!);
  }
  return out;
}

function matches(planAddress: string, protectedAddress: string): boolean {
  return planAddress === protectedAddress || planAddress.startsWith(`${protectedAddress}[`);
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Disk sizes by interface (`scsi0`, `virtio1`, ...) or position, as the provider's `disk` blocks state them. */
function disks(values: unknown): Map<string, number> {
  const list = isJson(values) && Array.isArray(values.disk) ? values.disk : [];
  return new Map(
    list
      .filter(isJson)
      .map((d, i) => [typeof d.interface === 'string' ? d.interface : `#${i}`, Number(d.size)]),
  );
}

/**
 * What an in-place update takes away from a protected resource: Proxmox's protection flag switched off, or a
 * disk removed or made smaller (its data goes with it). Undefined when the update weakens nothing.
 */
export function weakening(before: unknown, after: unknown): 'unprotect' | 'disk' | undefined {
  if (isJson(before) && before.protection === true && isJson(after) && after.protection !== true)
    return 'unprotect';
  const now = disks(after);
  for (const [name, size] of disks(before)) {
    const next = now.get(name);
    if (next === undefined || next < size) return 'disk';
  }
  return undefined;
}

function gateAction(rc: NonNullable<Plan['resource_changes']>[number]): GateAction | undefined {
  const action = planAction(rc.change.actions);
  if (action === 'delete' || action === 'replace') return action;
  if (action === 'update') return weakening(rc.change.before, rc.change.after);
  return undefined;
}

export function decide(
  plan: Plan,
  stack: string,
  protections: Protections,
  allowedValues: readonly string[],
): GateDecision {
  const allowedSet = new Set(allowedValues);
  const refused: GateItem[] = [];
  const allowed: GateItem[] = [];
  let changes = 0;
  for (const rc of plan.resource_changes ?? []) {
    if (planAction(rc.change.actions) === 'no-op') continue;
    changes++;
    const action = gateAction(rc);
    if (action === undefined) continue;
    const reasons = [...protections]
      .filter(([address]) => matches(rc.address, address))
      .flatMap(([, r]) => r);
    if (reasons.length === 0) continue;
    const item: GateItem = {
      address: rc.address,
      action,
      reasons: [...new Set(reasons)],
      trailer: `${TRAILER}: ${stack}/${rc.address}`,
    };
    const ok = allowedSet.has(rc.address) || allowedSet.has(`${stack}/${rc.address}`);
    (ok ? allowed : refused).push(item);
  }
  const problem = plan.errored ? 'the plan errored; nothing from it is applied' : undefined;
  return {
    stack,
    ok: refused.length === 0 && problem === undefined,
    changes,
    refused,
    allowed,
    ...(problem ? { problem } : {}),
  };
}

const VERB = { delete: 'destroy', replace: 'replace', unprotect: 'unprotect', disk: 'shrink' } as const;

/** What the deploy log shows: one OK line, or exactly what was refused and the trailers that would allow it. */
export function renderDecision(d: GateDecision, commit: string): string[] {
  const lines: string[] = [];
  if (d.problem) lines.push(`deploy-gate: REFUSED ${d.stack}: ${d.problem}`);
  if (d.refused.length > 0) {
    const n = d.refused.length;
    const verb = d.refused.every((i) => i.action === 'delete' || i.action === 'replace')
      ? 'destroy'
      : 'destroy or weaken (unprotect, remove or shrink a disk of)';
    lines.push(
      `deploy-gate: REFUSED ${d.stack}: the plan would ${verb} ${n === 1 ? '1 protected resource' : `${n} protected resources`} and commit ${commit} carries no ${TRAILER} trailer for ${n === 1 ? 'it' : 'them'}`,
    );
    for (const item of d.refused) {
      lines.push(`  ${VERB[item.action].padEnd(7)}  ${item.address}  (${item.reasons.join('; ')})`);
    }
    lines.push('If this is intended, land a reviewed commit on the deployed branch whose message ends with:');
    for (const item of d.refused) lines.push(`  ${item.trailer}`);
  }
  if (d.ok) {
    const allowed =
      d.allowed.length > 0
        ? `; allowed by ${TRAILER}: ${d.allowed.map((a) => `${VERB[a.action]} ${a.address}`).join(', ')}`
        : '; no protected resource destroyed or replaced';
    lines.push(`deploy-gate: OK ${d.stack}: ${d.changes} change${d.changes === 1 ? '' : 's'}${allowed}`);
  }
  return lines;
}
