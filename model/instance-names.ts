// The names a service instance gets beyond its kind: its scope in the secrets store, its PostgreSQL databases
// and role. Derived from the kind and the VM, so two instances of a kind never share them.
import type { Model } from './derive.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import { dependencyTargets, type ServiceInstance } from '../services/instances.ts';
import type { DatabaseSpec } from '../services/types.ts';

/** The part of the model these names are derived from (all of it but the secrets, which use them). */
type ModelServices = Pick<Model, 'services'>;

/**
 * `<kind>-<vm>`, with `-<n>` after it for a second instance of the kind on the same VM. Stable under
 * reordering of other VMs.
 */
export function instanceName(model: ModelServices, instance: ServiceInstance): string {
  return `${instance.kind}-${instanceSuffix(model, instance)}`;
}

/** The VM's name, with `-<n>` for the second and later instance of a kind on it. */
function instanceSuffix(model: ModelServices, instance: ServiceInstance): string {
  const same = (model.services.onVm.get(instance.vm.name) ?? []).filter((i) => i.kind === instance.kind);
  const n = same.indexOf(instance);
  return `${instance.vm.name}${n > 0 ? `-${n + 1}` : ''}`;
}

/** The scope of a service instance's secrets in the store. */
export function instanceScope(model: ModelServices, instance: ServiceInstance): string {
  return `service/${instanceName(model, instance)}`;
}

/** A database of one instance, on the PostgreSQL VM it uses, with the secret holding its role's password. */
export interface InstanceDatabase extends DatabaseSpec {
  /** The instance, for task names: `nextcloud on cloud1`. */
  readonly for: string;
  /** The PostgreSQL VM, and the VM of the instance (the client pg_hba.conf lets in). */
  readonly server: string;
  readonly client: string;
  /** `<scope>/db-password` in the store. */
  readonly secret: string;
}

/**
 * The instance's databases, each named `<kind's database>_<vm>` and owned by `<kind's role>_<vm>` (`-` as
 * `_`, so no identifier needs quoting): two Nextclouds on one database VM get two of each.
 */
export function instanceDatabases(model: ModelServices, instance: ServiceInstance): InstanceDatabase[] {
  // The kind first: serviceDatabases asks this of every instance for every PostgreSQL VM.
  if (!instance.def.dependsOn.includes(DATABASE_KIND)) return [];
  const server = dependencyTargets(model.services, instance, DATABASE_KIND)[0];
  if (!server) return [];
  const suffix = instanceSuffix(model, instance).replaceAll('-', '_');
  return (instance.def.backup.databases ?? []).map((db) => ({
    ...db,
    name: `${db.name}_${suffix}`,
    user: `${db.user}_${suffix}`,
    for: instance.label,
    server: server.name,
    client: instance.vm.name,
    secret: `${instanceScope(model, instance)}/db-password`,
  }));
}
