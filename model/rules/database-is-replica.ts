// Rule: a service's `db:` names a PostgreSQL primary: a streaming replica is read-only, so the service could
// not write, and its role and database are made on the primary only.
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';
import { DATABASE_KIND } from '../../services/catalog.ts';

export const databaseIsReplica = modelRule('database-is-replica', ({ services }) => {
  const report = reporter();
  for (const i of services.instances) {
    if (!i.def.dependsOn.includes(DATABASE_KIND) || typeof i.params.db !== 'string') continue;
    const primary = services.primaries.get(i.params.db);
    if (primary === undefined) continue;
    report.error(
      'vms',
      ['vms', i.vmIndex, 'services', i.index, 'db'],
      `names "${i.params.db}", a streaming replica of "${primary}" (read-only); expected the primary: db: ${primary}`,
    );
  }
  return report.findings;
});
