// Reads inventory/*.yaml into one typed Inventory checked by the inventory's own rules, or reports every
// problem at once. The service catalog's checks come on top in model/load.ts, the entry every command uses.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { readBackupKeys } from './backup-keys.ts';
import { type Cluster, clustersFileSchema } from './clusters.schema.ts';
import { type DnsFile, dnsFileSchema } from './dns.schema.ts';
import { type Finding, sortFindings } from './findings.ts';
import { type Images, imagesFileSchema } from './images.schema.ts';
import { type AptKeyPins, type Containers, type Releases, releasesFileSchema } from './releases.schema.ts';
import { issueFindings } from './issues.ts';
import { type Member, membersFileSchema } from './members.schema.ts';
import { type Role, rolesFileSchema } from './roles.schema.ts';
import { type Network, networksFileSchema } from './networks.schema.ts';
import { type Org, orgSchema } from './org.schema.ts';
import { INVENTORY_RULES } from './rules/index.ts';
import { type InventoryFile, type RuleContext, runRules } from './rules/rule.ts';
import { type Site, sitesFileSchema } from './sites.schema.ts';
import { SourceFile } from './source.ts';
import { textFindings } from './text-rules.ts';
import { applySizes, type SizeDefaults } from './sizes.ts';
import { type Vm, type VmEntry, vmsFileSchema } from './vms.schema.ts';

export interface Inventory {
  readonly org: Org;
  readonly sites: readonly Site[];
  readonly networks: readonly Network[];
  readonly clusters: readonly Cluster[];
  readonly vms: readonly Vm[];
  /** Extra zones and records that are not derived (dns.yaml); absent in inventories built by code. */
  readonly dns?: DnsFile;
  /** The pinned Debian cloud images by release; empty when images.yaml is absent (no Debian VMs). */
  readonly images: Images;
  /** The pinned upstream releases by application; empty when releases.yaml is absent. */
  readonly releases: Releases;
  /** The container images by application, pinned by digest (releases.yaml `containers:`); empty when absent. */
  readonly containers?: Containers;
  /**
   * The signing keys of the upstream apt repositories by repository id (releases.yaml `repositories:`);
   * absent or empty: no upstream repository is set up.
   */
  readonly aptKeys?: AptKeyPins;
  /** People with access (members.yaml); empty when the organisation keeps no members file. */
  readonly members: readonly Member[];
  /** What each role grants (roles.yaml). */
  readonly roles: readonly Role[];
  /**
   * Each backup client's borg SSH public key by VM, from `.pub` files beside the store (backup-keys.ts);
   * absent in inventories built by code.
   */
  readonly backupKeys?: ReadonlyMap<string, string>;
}

export interface LoadResult {
  /** Present only when there are no errors. */
  readonly inventory?: Inventory;
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
  /** The parsed files, for tools that locate their own findings (catalog, members). */
  readonly sources: ReadonlyMap<InventoryFile, SourceFile>;
}

interface FileSpec {
  readonly file: string;
  readonly schema: z.ZodType;
  readonly what: string;
  readonly optional?: boolean;
  /** An optional file that becomes required when this other file exists (members.yaml names roles). */
  readonly neededBy?: InventoryFile;
}

const FILES: { readonly [K in InventoryFile]: FileSpec } = {
  org: { file: 'org.yaml', schema: orgSchema, what: 'organisation settings' },
  sites: { file: 'sites.yaml', schema: sitesFileSchema, what: 'a "sites:" list' },
  networks: { file: 'networks.yaml', schema: networksFileSchema, what: 'a "networks:" list' },
  clusters: { file: 'clusters.yaml', schema: clustersFileSchema, what: 'a "clusters:" list' },
  vms: { file: 'vms.yaml', schema: vmsFileSchema, what: 'a "vms:" list' },
  dns: { file: 'dns.yaml', schema: dnsFileSchema, what: 'DNS zones and records', optional: true },
  // Only needed when a VM runs Debian; rules/os-without-image.ts reports a release no image is pinned for.
  images: { file: 'images.yaml', schema: imagesFileSchema, what: 'an "images:" mapping', optional: true },
  releases: {
    file: 'releases.yaml',
    schema: releasesFileSchema,
    what: 'a "releases:" mapping',
    optional: true,
  },
  members: { file: 'members.yaml', schema: membersFileSchema, what: 'a "members:" list', optional: true },
  roles: {
    file: 'roles.yaml',
    schema: rolesFileSchema,
    what: 'a "roles:" list (members.yaml names roles)',
    optional: true,
    neededBy: 'members',
  },
};

/** YAML files other tools own; the loader leaves them alone instead of warning. */
const OTHER_FILES = new Set(['services.yaml']);

export interface LoadOptions {
  /** The day membership expiry is judged against, YYYY-MM-DD. @default today (UTC) */
  readonly today?: string;
  /**
   * A VM's cores and memory when vms.yaml leaves them out: model/load.ts passes the service catalog's sizes.
   * @default none: every VM must give both
   */
  readonly sizes?: SizeDefaults;
}

/** Why `dir` cannot be the inventory directory (`--inventory vms.yaml` is a common slip), or undefined. */
function directoryProblem(dir: string): string | undefined {
  if (!existsSync(dir)) return 'does not exist; expected the inventory directory';
  if (!statSync(dir).isDirectory())
    return 'is a file, not a directory; expected the inventory directory (--inventory DIR)';
  return undefined;
}

/** What the rules know besides their subject: the day (membership expiry) and the files read. */
export function ruleContext(
  sources: ReadonlyMap<InventoryFile, SourceFile>,
  options: LoadOptions = {},
): RuleContext {
  return { today: options.today ?? new Date().toISOString().slice(0, 10), files: new Set(sources.keys()) };
}

/** Schema and cross-file checks of the inventory alone; `loadInventory` (model/load.ts) adds the catalog's. */
export function readInventory(dir: string, options: LoadOptions = {}): LoadResult {
  const parsed = parseInventory(dir, options.sizes);
  if (!parsed.inventory) return parsed;
  const { sources } = parsed;
  const backup = readBackupKeys(
    dir,
    parsed.inventory.vms.map((vm) => vm.name),
  );
  const inventory: Inventory = { ...parsed.inventory, backupKeys: backup.keys };
  const findings = runRules(INVENTORY_RULES, inventory, ruleContext(sources, options), sources);
  const errors = [...backup.errors, ...findings.filter((f) => f.severity === 'error')];
  const warnings = [...parsed.warnings, ...findings.filter((f) => f.severity === 'warning')];
  const sorted = { errors: sortFindings(errors), warnings: sortFindings(warnings), sources };
  return errors.length > 0 ? sorted : { inventory, ...sorted };
}

/** releases.yaml's maps: releases, container images, apt keys; all empty when the file is absent. */
function pinned(parsed: unknown): { releases: Releases; containers: Containers; aptKeys: AptKeyPins } {
  const file = parsed as { releases: Releases; containers: Containers; repositories: AptKeyPins } | undefined;
  return {
    releases: file?.releases ?? {},
    containers: file?.containers ?? {},
    aptKeys: file?.repositories ?? {},
  };
}

/**
 * The files as their schemas parse them, each VM sized (its own cores and memory, else `sizes`), before any
 * rule: what a test runs one rule on.
 */
export function parseInventory(dir: string, sizes?: SizeDefaults): LoadResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const sources = new Map<InventoryFile, SourceFile>();
  const data = new Map<InventoryFile, unknown>();

  const notDir = directoryProblem(dir);
  if (notDir) {
    errors.push({ severity: 'error', file: dir, line: 1, col: 1, path: '(directory)', message: notDir });
    return { errors, warnings, sources };
  }
  const known = new Set(Object.values(FILES).map((f) => f.file));
  for (const entry of readdirSync(dir).sort()) {
    if (/\.ya?ml$/.test(entry) && !known.has(entry) && !OTHER_FILES.has(entry)) {
      warnings.push({
        severity: 'warning',
        file: join(dir, entry),
        line: 1,
        col: 1,
        path: '(file)',
        message: `is not read; inventory files are ${[...known].join(', ')}`,
      });
    }
  }

  for (const [key, spec] of Object.entries(FILES) as [InventoryFile, (typeof FILES)[InventoryFile]][]) {
    const path = join(dir, spec.file);
    if (!existsSync(path)) {
      const needed = spec.neededBy !== undefined && existsSync(join(dir, FILES[spec.neededBy].file));
      if (spec.optional && !needed) continue;
      errors.push({
        severity: 'error',
        file: path,
        line: 1,
        col: 1,
        path: '(file)',
        message: `is missing; expected ${spec.what}`,
      });
      continue;
    }
    const { source, findings } = SourceFile.read(path, path, dir);
    sources.set(key, source);
    errors.push(...findings);
    if (findings.length > 0) continue;
    const raw = source.toJS();
    if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
      // Not quoted: a file that is not YAML (a pasted log, /etc/passwd) parses as one long string.
      const found = Array.isArray(raw) ? 'a list' : 'a single value';
      errors.push(
        source.finding('error', [], `holds ${found}, not a mapping of fields; expected ${spec.what}`),
      );
      continue;
    }
    // Secrets and token markers anywhere in the file; the schema's own message for that field would repeat it.
    const refused = textFindings(raw, source);
    errors.push(...refused);
    const seen = new Set(refused.map((f) => f.path));
    const parsed = spec.schema.safeParse(raw ?? {}, { reportInput: true });
    if (parsed.success) data.set(key, parsed.data);
    else
      for (const issue of parsed.error.issues)
        errors.push(...issueFindings(issue, source, spec.schema).filter((f) => !seen.has(f.path)));
  }

  if (errors.length > 0) return { errors: sortFindings(errors), warnings: sortFindings(warnings), sources };
  const sized = applySizes((data.get('vms') as { vms: VmEntry[] }).vms, sizes, sources.get('vms')!);
  warnings.push(...sized.warnings);
  if (sized.errors.length > 0)
    return { errors: sortFindings(sized.errors), warnings: sortFindings(warnings), sources };

  return { inventory: inventoryOf(data, sized.vms), errors, warnings: sortFindings(warnings), sources };
}

/** The Inventory of the files' parsed data, with the VMs sized. */
function inventoryOf(data: ReadonlyMap<InventoryFile, unknown>, vms: Vm[]): Inventory {
  return {
    org: data.get('org') as Org,
    sites: (data.get('sites') as { sites: Site[] }).sites,
    networks: (data.get('networks') as { networks: Network[] }).networks,
    clusters: (data.get('clusters') as { clusters: Cluster[] }).clusters,
    vms,
    dns: (data.get('dns') as DnsFile | undefined) ?? dnsFileSchema.parse({}),
    images: (data.get('images') as { images: Images } | undefined)?.images ?? {},
    ...pinned(data.get('releases')),
    members: (data.get('members') as { members: Member[] } | undefined)?.members ?? [],
    roles: (data.get('roles') as { roles: Role[] } | undefined)?.roles ?? [],
  };
}
