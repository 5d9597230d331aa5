// The secrets a VM's services read, as files converge writes from the store (never cloud-init: first boot
// has no secrets): `/etc/infra-secrets/<scope>/<name>`, mode 0600, owned by the user the service runs as.
import type { Model } from '../model/derive.ts';
import { instanceScope } from '../model/instance-names.ts';
import { secretKey, type SecretNeed } from '../model/secret-needs.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { writtenByMail } from './mail.ts';
import type { Part } from './parts.ts';

export const SECRETS_DIR = '/etc/infra-secrets';

/** One secret file on a VM; its content is `secrets['<key>']` at converge time, written with no_log. */
export interface SecretFile {
  readonly path: string;
  /** `<scope>/<name>` in the store and in the `secrets` dict. */
  readonly key: string;
  /** `user:group`. */
  readonly owner: string;
  readonly mode: '0600' | '0640';
}

const ICINGAWEB_APPLIED = /^(web-password-.+|ido-db-password|web-db-password)$/;

/** Secrets the PostgreSQL server applies through SQL (a SCRAM verifier), so it needs no file of them. */
function appliedBySql(model: Model, need: SecretNeed, vm: Vm): boolean {
  // Icinga Web 2's logins and the master's own database roles: set in its PostgreSQL, read by templates.
  if (ICINGAWEB_APPLIED.test(need.name)) return true;
  if (need.name === 'db-password')
    return !(model.services.onVm.get(vm.name) ?? []).some((i) => instanceScope(model, i) === need.scope);
  return need.name === 'replication-password' && need.scope === `service/postgresql-${vm.name}`;
}

/** The user that reads a secret on this VM: the owning instance's, else the first service's here that has one. */
function ownerOn(model: Model, need: SecretNeed, vm: Vm): string {
  const here = model.services.onVm.get(vm.name) ?? [];
  const owning = here.find((i) => instanceScope(model, i) === need.scope);
  const user = owning?.def.user ?? here.find((i) => i.def.user !== undefined)?.def.user ?? 'root';
  return `${user}:${user}`;
}

/** The secret files of a VM, sorted by path. */
export function secretFiles(model: Model, vm: Vm): SecretFile[] {
  if (!model.inventory.org.secrets) return [];
  return (model.secretNeedsOf.get(vm.name) ?? [])
    .filter((need) => !appliedBySql(model, need, vm) && !writtenByMail(secretKey(need)))
    .map((need) => ({
      path: `${SECRETS_DIR}/${secretKey(need)}`,
      key: secretKey(need),
      owner: need.scope.startsWith('vm/') ? 'root:root' : ownerOn(model, need, vm),
      mode: '0600' as const,
    }));
}

/** The part that writes them; undefined when the VM reads no secret. */
export function secretFilesPart(model: Model, vm: Vm): Part | undefined {
  const files = secretFiles(model, vm);
  if (files.length === 0) return undefined;
  return {
    name: `secrets: ${files.length} files under ${SECRETS_DIR} (converge only)`,
    secretFiles: files,
    convergeOnly: true,
  };
}
