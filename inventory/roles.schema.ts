// Schema of inventory/roles.yaml: what a role grants (SSH and sudo on VMs, Proxmox permissions, forge teams, on-call).
import { z } from 'zod';
import { name } from './common.ts';
import { title } from './grammars.ts';

/** Proxmox VE's built-in roles (pveum role list); custom roles are not defined here. */
export const PROXMOX_ROLES = [
  'Administrator',
  'NoAccess',
  'PVEAdmin',
  'PVEAuditor',
  'PVEDatastoreAdmin',
  'PVEDatastoreUser',
  'PVEMappingAdmin',
  'PVEMappingUser',
  'PVEPoolAdmin',
  'PVEPoolUser',
  'PVESDNAdmin',
  'PVESDNUser',
  'PVESysAdmin',
  'PVETemplateUser',
  'PVEUserAdmin',
  'PVEVMAdmin',
  'PVEVMUser',
] as const;

/** An ACL path this inventory can name: the root, a pool (a VM tag), a node, a storage or a VM id. */
export const proxmoxPath = z
  .string()
  .regex(/^\/$|^\/(pool|nodes|storage)\/[a-z0-9][a-z0-9_-]*$|^\/vms\/\d+$/, {
    error: 'is not a Proxmox ACL path; expected /, /pool/TAG, /nodes/NODE, /storage/STORAGE or /vms/ID',
  });

/** A choice of VMs: every VM, or the union of the selectors given; `what` names the grant in the error. */
function vmSelector(what: string) {
  return z.union(
    [
      z.literal('all'),
      z.strictObject({
        sites: z.array(name).optional(),
        tags: z
          .array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'is not a Proxmox tag' }))
          .optional(),
        /** Service kinds from the catalog: every VM that runs one. */
        services: z.array(name).optional(),
        vms: z.array(name).optional(),
      }),
    ],
    { error: `is not ${what}; expected "all" or { sites, tags, services, vms }` },
  );
}

/** Which VMs a role may log in to: every VM, or the union of the selectors given. */
export const sshSelectorSchema = vmSelector('an SSH grant');

/** Which scopes of the secrets store a role may read (members/secret-access.ts says which scopes match). */
export const secretsSelectorSchema = vmSelector('a secrets grant');

export const proxmoxGrantSchema = z.strictObject({
  role: z.enum(PROXMOX_ROLES),
  path: proxmoxPath,
  /** Clusters the grant applies on. @default every cluster where the path exists */
  clusters: z.array(name).optional(),
});

export const roleSchema = z.strictObject({
  name,
  /** What the role is for, in a sentence; shown in the access report. */
  description: title(200),
  /** Where members of the role get a Unix account and may log in. @default nowhere */
  ssh: sshSelectorSchema.optional(),
  /** Members get sudo (the admins group) on the VMs this role grants SSH to. @default false */
  sudo: z.boolean().default(false),
  /** Proxmox permissions: a built-in role on an ACL path. @default none */
  proxmox: z.array(proxmoxGrantSchema).default([]),
  /** Teams of the forge organisation. @default none */
  forge_teams: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'is not a team name' }))
    .default([]),
  /**
   * What the forge_teams may do in the organisation's repositories (a Gitea team's permission; the highest
   * wins when roles share a team). GitHub grants repository access per repository, so it ignores this.
   * @default read
   */
  forge_permission: z.enum(['read', 'write', 'admin']).default('read'),
  /**
   * Repositories of the forge organisation the forge_teams reach, by name (a Gitea team's repositories).
   * Nothing else is granted: a team never reaches every repository nor may create repositories.
   * @default none
   */
  forge_repositories: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'is not a repository name' }))
    .default([]),
  /**
   * Which scopes of the secrets store (secrets/<scope>/<name>.age) members may read: "all", or the scopes
   * of the VMs matched by { sites, tags, vms } (their VM, service and site scopes) and of the services of
   * the kinds listed in `services` (only those services' scopes). @default none
   */
  secrets: secretsSelectorSchema.optional(),
  /** Members get monitoring notifications. @default false */
  oncall: z.boolean().default(false),
});

export const rolesFileSchema = z.strictObject({ roles: z.array(roleSchema) });

export type Role = z.infer<typeof roleSchema>;
export type SshSelector = z.infer<typeof sshSelectorSchema>;
export type ProxmoxGrant = z.infer<typeof proxmoxGrantSchema>;

/** A role that grants sudo on every VM: the organisation needs at least one member holding one. */
export function isAdminRole(role: Role): boolean {
  return role.ssh === 'all' && role.sudo;
}
