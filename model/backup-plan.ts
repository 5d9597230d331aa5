// What borgmatic saves for each VM, computed once per VM by model/derive.ts: the backup renderer
// (baseline/backup.ts) writes it, the monitoring checks the age of the last backup where there is one.
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import type { ServiceInstance } from '../services/instances.ts';
import type { Derived } from './derive.ts';
import { instanceDatabases } from './instance-names.ts';

/** What every Debian VM saves besides its services' own paths. */
export const BASELINE_BACKUP_PATHS = ['/etc', '/root', '/home', '/var/spool/cron'] as const;

export interface BackupPlan {
  readonly repository: string;
  readonly paths: readonly string[];
  /** Each database to dump: on a database VM (its host and role), or on the VM's own PostgreSQL (neither). */
  readonly databases: readonly { name: string; hostname?: string; username?: string }[];
}

/** What borgmatic saves for a VM, or undefined when it gets no backup (no backup section, or it is the repository). */
export function backupPlan(model: Derived, vm: Vm, own: readonly ServiceInstance[]): BackupPlan | undefined {
  const { inventory, services } = model;
  const { backup } = inventory.org;
  if (!backup || vm.os === 'other') return undefined;
  if (own.some((i) => i.def.backup.none)) return undefined;
  const all = [...new Set([...BASELINE_BACKUP_PATHS, ...own.flatMap((i) => i.def.backup.paths)])];
  // A path inside another one (/etc/postfix in /etc) is saved already.
  const paths = all.filter((p) => !all.some((q) => q !== p && p.startsWith(`${q}/`)));
  const databases = own.flatMap((i) => [
    ...instanceDatabases(model, i).map((db) => ({
      name: db.name,
      hostname: fqdn(inventory, services.vmByName.get(db.server)!),
      username: db.user,
    })),
    ...(i.def.backup.localDatabases ?? []).map((name) => ({ name })),
  ]);
  return { repository: backup.repository.replaceAll('{vm}', vm.name), paths, databases };
}
