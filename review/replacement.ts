// Which attribute changes make Terraform replace a resource instead of updating it, per resource type.
//
// The rules are the pinned providers' own (providers/<name>/semantics.json: ForceNew in the SDKv2
// resources, RequiresReplace in the plugin-framework ones, the CustomizeDiff rules), the same the
// simulator plans with, so a review and a rehearsal cannot disagree about a replacement.
// Attribute paths leave out list indexes: `disk.file_id` covers `disk[2].file_id`.
import { pinnedSemantics, type ReplaceRule } from '../providers/semantics.ts';

export type ReplacementRule = ReplaceRule;

export const REPLACEMENT_RULES: Readonly<Record<string, readonly ReplacementRule[]>> = Object.fromEntries(
  Object.entries(pinnedSemantics()).map(([type, s]) => [type, s.replace]),
);

/** `disk[1].file_id` → `disk.file_id`. */
export function withoutIndexes(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

export interface LeafChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
}

/** The rule a change of one attribute runs into, if any; `after` is the new resource configuration. */
export function replacementRule(
  type: string,
  change: LeafChange,
  after: Readonly<Record<string, unknown>> | undefined,
): ReplacementRule | undefined {
  const rules = REPLACEMENT_RULES[type];
  if (!rules) return undefined;
  const path = withoutIndexes(change.path);
  return rules.find((rule) => {
    if (path !== rule.attribute && !path.startsWith(`${rule.attribute}.`)) return false;
    if (rule.onlyWhenChanged && change.kind !== 'changed') return false;
    if (rule.unlessMigrate && after?.migrate === true) return false;
    return true;
  });
}
