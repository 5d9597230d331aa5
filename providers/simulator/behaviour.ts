// What the simulator does the way the real provider does, from the pinned semantics: validators, defaults, read-back forms, API checks.
import type { ResourceSemantics, Validator } from '../semantics.ts';
import type { SchemaBlock } from './schema.ts';
import { isObjectValue, type ObjectValue, type Value } from './values.ts';

/** A finding in the protocol's shape: the provider's own message, on the attribute it is about. */
export interface Finding {
  readonly summary: string;
  readonly attribute: string;
}

/** Go's %q of a string, for the messages the providers write with it. */
export const goQuote = (text: string): string => JSON.stringify(text);

/**
 * The provider's message with its placeholders filled: `{key}` and `{value}` quoted as Go's %q quotes,
 * `{name}` and `{raw}` as they are, `{values}` as Go's %q of a string slice, `{path}` as Go prints a
 * one-step cty.Path.
 */
export function fillMessage(
  message: string,
  key: string,
  value: string,
  values: readonly string[] = [],
): string {
  return message
    .replaceAll('{values}', `[${values.map(goQuote).join(' ')}]`)
    .replaceAll('{name}', key)
    .replaceAll('{key}', goQuote(key))
    .replaceAll('{value}', goQuote(value))
    .replaceAll('{raw}', value)
    .replaceAll('{path}', `[{{} ${key}}]`);
}

// Go's time.RFC3339 as time.Parse takes it: a date, T, a time with optional fraction, Z or an offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return (
    month! >= 1 && month! <= 12 && day! >= 1 && day! <= days && hour! < 24 && minute! < 60 && second! < 60
  );
}

/** miekg/dns IsFqdn: ends in a dot that is not escaped. */
const isFqdn = (text: string): boolean => /(^|[^\\])(\\\\)*\.$/.test(text);

function passes(validator: Validator, value: string): boolean {
  switch (validator.kind) {
    case 'rfc3339':
      return isRfc3339(value);
    case 'fqdn':
      return isFqdn(value);
    case 'relative-name':
      return value.trim() === value && value !== '' && !isFqdn(value);
    case 'enum':
      return (validator.values ?? []).includes(value);
    case 'regex':
      return new RegExp(validator.pattern ?? '').test(value);
    case 'file-mode':
      return /^[0-7]{3,4}$/.test(value);
  }
}

/** The provider's validators on a resource's configuration (top-level string attributes, known values). */
export function validateConfig(semantics: ResourceSemantics | undefined, config: Value): Finding[] {
  if (!semantics || !isObjectValue(config)) return [];
  const out: Finding[] = [];
  for (const validator of semantics.validators) {
    const value = config[validator.attribute];
    if (typeof value !== 'string' || passes(validator, value)) continue;
    out.push({
      summary: fillMessage(validator.message, validator.attribute, value, validator.values),
      attribute: validator.attribute,
    });
  }
  return out;
}

// PVE's check_path: the ACL paths Proxmox VE knows.
const ACL_PATH =
  /^\/(|access(\/(groups|realm)(\/[^/]+)?)?|nodes(\/[^/]+)?|pool(\/[^/]+)+|sdn(\/.+)?|storage(\/[^/]+)?|vms(\/\d+)?|mapping(\/.+)?|cluster(\/.+)?)$/;

/** The checks the provider leaves to the API, run when the object is created or changed. */
export function apiFindings(semantics: ResourceSemantics | undefined, planned: ObjectValue): Finding[] {
  const out: Finding[] = [];
  for (const check of semantics?.apiChecks ?? []) {
    const value = planned[check.attribute];
    if (typeof value !== 'string') continue;
    if (check.kind === 'proxmox-acl-path' && !ACL_PATH.test(value))
      out.push({
        summary: `${check.summary}: ${fillMessage(check.message, check.attribute, value).replace(/"/g, "'")}`,
        attribute: check.attribute,
      });
  }
  return out;
}

/** The provider's defaults, planned where the configuration leaves a top-level attribute unset. */
export function withDefaults(
  semantics: ResourceSemantics | undefined,
  block: SchemaBlock,
  planned: ObjectValue,
  config: Value,
): ObjectValue {
  const out: ObjectValue = { ...planned };
  for (const d of semantics?.defaults ?? []) {
    if (d.attribute.includes('.') || !block.attributes?.[d.attribute]) continue;
    const configured = isObjectValue(config) ? (config[d.attribute] ?? null) : null;
    if (configured === null) out[d.attribute] = d.value;
  }
  return out;
}

/** Gitea's unit names in the order the provider's create adds them (resource_gitea_team.go, lines 71-100). */
const GITEA_UNITS = [
  'repo.code',
  'repo.issues',
  'repo.ext_issues',
  'repo.wiki',
  'repo.pulls',
  'repo.releases',
  'repo.ext_wiki',
  'repo.projects',
  'repo.actions',
  'repo.packages',
];

/** What the API keeps of a units string, in Go's %v form of a slice: `[repo.code repo.issues]`. */
export function giteaUnitsReadBack(configured: string): string {
  return `[${GITEA_UNITS.filter((u) => configured.includes(u)).join(' ')}]`;
}

/** The objects of the same API the read-back of one object depends on (the users of a group). */
export type Neighbours = (type: string) => Readonly<Record<string, Record<string, unknown>>>;

/** The object as the provider writes it back into state after a create, an update or a refresh. */
export function readBack(
  semantics: ResourceSemantics | undefined,
  object: ObjectValue,
  neighbours: Neighbours,
): ObjectValue {
  const out: ObjectValue = { ...object };
  for (const rule of semantics?.readBack ?? []) {
    const value = object[rule.attribute];
    if (rule.kind === 'gitea-units' && typeof value === 'string') out.units = giteaUnitsReadBack(value);
    if (rule.kind === 'proxmox-group-members') {
      const group = object.group_id;
      out.members = Object.values(neighbours('proxmox_virtual_environment_user'))
        .filter((u) => Array.isArray(u.groups) && u.groups.includes(group))
        .map((u) => String(u.user_id))
        .sort();
    }
    if (rule.kind === 'github-owner-role' && typeof object.username === 'string') {
      const owners = neighbours('github_organization_owner');
      if (owners[object.username]) out.role = 'maintainer';
    }
  }
  return out;
}

/** An object the API holds has the provider's default where nothing else was stored (a hand-made object). */
export function storedWithDefaults(
  semantics: ResourceSemantics | undefined,
  object: ObjectValue,
): ObjectValue {
  const out: ObjectValue = { ...object };
  for (const d of semantics?.defaults ?? [])
    if (!d.attribute.includes('.') && d.attribute in out && (out[d.attribute] ?? null) === null)
      out[d.attribute] = d.value;
  return out;
}

/** The id a template gives an object, or undefined when one of its attributes is unset or unknown. */
export function fillTemplate(template: string, object: ObjectValue): string | undefined {
  let missing = false;
  const id = template.replace(/\{([a-z_.]+)\}/g, (_m, path: string) => {
    let v: Value | undefined = object;
    for (const step of path.split('.')) {
      const item: Value | undefined = Array.isArray(v) ? v[0] : v;
      v = isObjectValue(item ?? null) ? (item as ObjectValue)[step] : undefined;
    }
    if ((typeof v === 'string' && v !== '') || typeof v === 'number' || typeof v === 'bigint')
      return String(v);
    missing = true;
    return '';
  });
  return missing ? undefined : id;
}
