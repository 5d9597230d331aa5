// Rule: a service that needs PostgreSQL and names no `db:` uses its own site's; with none there, it must say which.
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';
import { DATABASE_KIND } from '../../services/catalog.ts';
import { vmSite } from '../../services/instances.ts';

export const databaseInAnotherSite = modelRule('database-in-another-site', ({ inventory, services }) => {
  const report = reporter();
  const databases = inventory.vms.filter((vm) => vm.services.some((s) => s.kind === DATABASE_KIND));
  for (const i of services.instances) {
    if (!i.def.dependsOn.includes(DATABASE_KIND) || typeof i.params.db === 'string') continue;
    if (databases.length === 0) continue; // "needs postgresql, which no VM runs" is reported already.
    if (databases.some((vm) => vmSite(services, vm) === i.site)) continue;
    // Only primaries: a replica is read-only (database-is-replica.ts).
    const candidates = databases
      .filter((vm) => !services.primaries.has(vm.name))
      .map((vm) => vm.name)
      .join(', ');
    report.error(
      'vms',
      ['vms', i.vmIndex, 'services', i.index, 'kind'],
      `${i.kind} needs ${DATABASE_KIND}, but site "${i.site}" has none, and a database in another site is never chosen silently; expected an explicit db: (one of ${candidates})`,
    );
  }
  return report.findings;
});
