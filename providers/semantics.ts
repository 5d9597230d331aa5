// The pinned behaviour of each provider (providers/<name>/semantics.json): what the simulator and the reviewer both read.
//
// The schema (schema.json) says which attributes exist; this file says what the provider does with them,
// read from its Go source at the same tag: which changes replace the object, the defaults it plans, the
// validators it runs (with its own messages), the id it gives an object and the import id it accepts,
// and the form in which it reads a value back. Every entry names the file and line it was read from.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PROVIDER_PINS } from '../constructs/provider-registry.ts';
import { sourceFile } from '../stacks/node-module.ts';

/** `proxmoxtf/resource/user.go:144`: where in the provider's source, at the pinned tag. */
const source = z.string().regex(/^[\w./-]+\.go:\d+$/, { error: 'is not FILE.go:LINE' });
/** Terraform's own resources have no provider file: `builtin: what says so`. */
const ruleSource = z.union([source, z.string().regex(/^builtin: .+/)]);
const attribute = z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/, {
  error: 'is not an attribute path such as clone.vm_id',
});

export const replaceRuleSchema = z.strictObject({
  /** Attribute path without indexes; a change at or below it forces replacement. */
  attribute,
  source: ruleSource,
  /** Only a change of an existing value counts, not adding or removing the block (efi_disk, tpm_state). */
  onlyWhenChanged: z.boolean().optional(),
  /** The provider moves the VM instead when `migrate = true` (node_name). */
  unlessMigrate: z.boolean().optional(),
  /** Why, where the rule is not a plain ForceNew/RequiresReplace (CustomizeDiff). */
  note: z.string().optional(),
});

export const defaultSchema = z.strictObject({
  attribute,
  value: z.union([z.string(), z.number(), z.boolean()]),
  source,
});

/**
 * A validator the provider runs on the configuration (at `terraform validate`), with its message; `{key}`
 * and `{value}` stand for the attribute name and the value, each quoted the way Go's %q quotes.
 */
export const validatorSchema = z.strictObject({
  attribute,
  kind: z.enum(['rfc3339', 'fqdn', 'relative-name', 'enum', 'regex', 'file-mode']),
  /** enum: the accepted values. */
  values: z.array(z.string()).optional(),
  /** regex: the pattern the value must match (JavaScript syntax, same meaning as the Go one). */
  pattern: z.string().optional(),
  message: z.string(),
  source,
});

/** A check the provider leaves to the API: the simulator refuses the value when applying, as the API does. */
export const apiCheckSchema = z.strictObject({
  attribute,
  kind: z.enum(['proxmox-acl-path']),
  /** The provider's summary of a failed call and the API's answer. */
  summary: z.string(),
  message: z.string(),
  source,
});

export const idSchema = z.strictObject({
  /**
   * The id the provider sets, from the object's attributes: `{path}?{group_id}?{role_id}`; the first
   * template whose attributes are all set is used. Empty when the API numbers the object (`numbered`).
   */
  formats: z.array(z.string()),
  /** The API gives the object a number (Gitea and GitHub teams). */
  numbered: z.boolean().optional(),
  source,
});

export const importSchema = z.strictObject({
  /** The import ids the provider accepts; the named group `id` is the object's id. */
  pattern: z.string(),
  /** An import id as the provider's documentation writes it. */
  example: z.string(),
  /** The provider's error for an id that does not match, `{id}` standing for the id given. */
  message: z.string(),
  source,
});

/** How the provider writes a value it reads back, where that differs from what the configuration says. */
export const readBackSchema = z.strictObject({
  attribute,
  kind: z.enum([
    // fmt.Sprintf("%v", units): Go's form of a string slice, `[a b c]`, of the units the API keeps.
    'gitea-units',
    // The users whose groups name this group, as the API lists them.
    'proxmox-group-members',
    // GitHub answers `maintainer` for an organisation owner, whatever role the team membership was given.
    'github-owner-role',
  ]),
  note: z.string(),
  source,
});

/** What a create does when the API holds the object already (lost state, a hand-made object). */
export const existingSchema = z.strictObject({
  /** overwrite: the create succeeds and the object is the configured one (an upload, an idempotent update). */
  action: z.literal('overwrite'),
  /** A boolean attribute that, when false, makes the create fail instead (the file's `overwrite`). */
  unlessFalse: z.string().optional(),
  /** The provider's error then, `{id}` standing for the id quoted. */
  message: z.string().optional(),
  source,
});

export const resourceSemanticsSchema = z.strictObject({
  /** The Go files this resource's schema and behaviour are read from. */
  files: z.array(z.string()).min(1),
  /**
   * How the resource is written: terraform-plugin-sdk/v2 plans defaults for attributes Terraform sees
   * as plain optional, and says so with the legacy type system flag; the plugin framework does not.
   */
  sdk: z.enum(['sdkv2', 'framework']).optional(),
  /** A short word on the resource's id and how it was reviewed. */
  note: z.string().optional(),
  replace: z.array(replaceRuleSchema),
  defaults: z.array(defaultSchema),
  validators: z.array(validatorSchema),
  apiChecks: z.array(apiCheckSchema).default([]),
  id: idSchema.optional(),
  import: importSchema.optional(),
  readBack: z.array(readBackSchema).default([]),
  /** @default the create fails with "already exists", as a POST of an existing object does */
  existing: existingSchema.optional(),
});

export const semanticsFileSchema = z.strictObject({
  format: z.literal('infra-semantics/1'),
  /** The pin, the same as schema.json's x_pinned. */
  provider: z.string(),
  version: z.string(),
  tag: z.string(),
  /** What the refresh script extracts and what a person reviewed. */
  how: z.string(),
  resources: z.record(z.string(), resourceSemanticsSchema),
});

export type ReplaceRule = z.infer<typeof replaceRuleSchema>;
export type Validator = z.infer<typeof validatorSchema>;
export type ResourceSemantics = z.infer<typeof resourceSemanticsSchema>;
export type SemanticsFile = z.infer<typeof semanticsFileSchema>;

// The JSON files stay beside the sources: a compiled copy in dist/ reads them there too.
const PROVIDERS = dirname(sourceFile(import.meta.url, './semantics.ts'));

export function readSemanticsFile(file: string): SemanticsFile {
  const parsed = semanticsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The semantics.json of every provider of constructs/provider-registry.ts, by its name. */
export function pinnedSemanticsFiles(providersDir = PROVIDERS): Record<string, SemanticsFile> {
  const out: Record<string, SemanticsFile> = {};
  // Registry paths are the repository's; providersDir stands for its providers/ folder.
  for (const pin of [...PROVIDER_PINS].sort((a, b) => a.name.localeCompare(b.name)))
    out[pin.name] = readSemanticsFile(join(providersDir, '..', pin.semantics));
  return out;
}

/** Terraform's builtin resource: only its triggers force a new instance (not a provider's; no Go file). */
const TERRAFORM_DATA: ResourceSemantics = {
  files: ['builtin'],
  replace: [
    {
      attribute: 'triggers_replace',
      source: 'builtin: terraform_data, "triggers_replace" forces replacement',
    },
  ],
  defaults: [],
  validators: [],
  apiChecks: [],
  readBack: [],
};

/** The semantics of every resource type of every pinned provider, by type. */
export function pinnedSemantics(providersDir = PROVIDERS): Readonly<Record<string, ResourceSemantics>> {
  const out: Record<string, ResourceSemantics> = { terraform_data: TERRAFORM_DATA };
  for (const file of Object.values(pinnedSemanticsFiles(providersDir))) Object.assign(out, file.resources);
  return out;
}
