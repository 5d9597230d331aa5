// PostgreSQL: the shared database server; each service dumps its own database in its own backup.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const postgresql = defineKind({
  kind: 'postgresql',
  title: 'PostgreSQL database server',
  notes:
    'Debian package postgresql (15 on Debian 12, 17 on Debian 13). Services name their database VM with `db:`; ' +
    'a streaming replica names its primary with `primary:`. Databases are dumped by the services that own them.',
  size: { cores: 8, memory: 32, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(5432),
      reach: 'dependents',
      purpose: 'PostgreSQL for the services using this VM',
    },
  ],
  params: ['primary'],
  backup: { paths: ['/etc/postgresql'] },
  packages: ['postgresql'],
  units: ['postgresql'],
  user: 'postgres',
  dependsOn: [],
});
