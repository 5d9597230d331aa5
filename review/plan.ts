// The parts of `terraform show -json PLANFILE` (Terraform and OpenTofu, format 1.x) that the review tools read.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const pathSegment = z.union([z.string(), z.number()]);

export const planChangeSchema = z
  .object({
    actions: z.array(z.string()),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    after_unknown: z.unknown().optional(),
    before_sensitive: z.unknown().optional(),
    after_sensitive: z.unknown().optional(),
    replace_paths: z.array(z.array(pathSegment)).optional(),
    importing: z.unknown().optional(),
  })
  .loose();

export const resourceChangeSchema = z
  .object({
    address: z.string(),
    previous_address: z.string().optional(),
    mode: z.string().optional(),
    type: z.string(),
    name: z.string().optional(),
    change: planChangeSchema,
    action_reason: z.string().optional(),
  })
  .loose();

export const planSchema = z
  .object({
    format_version: z.string(),
    terraform_version: z.string().optional(),
    resource_changes: z.array(resourceChangeSchema).optional(),
    resource_drift: z.array(resourceChangeSchema).optional(),
    configuration: z.unknown().optional(),
    errored: z.boolean().optional(),
    complete: z.boolean().optional(),
  })
  .loose();

export type Plan = z.infer<typeof planSchema>;
export type ResourceChangeJson = z.infer<typeof resourceChangeSchema>;
export type PathSegment = z.infer<typeof pathSegment>;

export type PlanAction = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'forget' | 'no-op';

/** Terraform's action list as one word: `["delete","create"]` and `["create","delete"]` are both a replacement. */
export function planAction(actions: readonly string[]): PlanAction {
  if (actions.includes('delete') && actions.includes('create')) return 'replace';
  if (actions.includes('forget') && actions.includes('create')) return 'replace';
  for (const action of ['delete', 'create', 'update', 'read', 'forget'] as const) {
    if (actions.includes(action)) return action;
  }
  return 'no-op';
}

/** Whether the action ends the existing object: what a protected resource must not go through. */
export function destroysObject(action: PlanAction): boolean {
  return action === 'delete' || action === 'replace';
}

export class PlanError extends Error {}

/** Reads and checks a plan JSON file; the error names the file and what was expected. */
export function readPlan(file: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PlanError(
      `${file}: ${(err as Error).message}; expected the output of "terraform show -json PLANFILE"`,
    );
  }
  return parsePlan(raw, file);
}

export function parsePlan(raw: unknown, file: string): Plan {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new PlanError(
      `${file}: ${where}: ${issue?.message}; expected the output of "terraform show -json PLANFILE"`,
    );
  }
  return parsed.data;
}

/** `a.b[0]["odd key"]`, the way Terraform prints attribute paths. */
export function formatAttributePath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
