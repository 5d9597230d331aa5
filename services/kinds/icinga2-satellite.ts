// An Icinga2 satellite in another site: runs the checks of public names from outside the other sites.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

export const icinga2Satellite = defineKind({
  kind: 'icinga2-satellite',
  title: 'Icinga2 satellite (checks from outside)',
  notes:
    'Debian package icinga2. The master sends it the HTTP, TLS and port checks of public names ' +
    '(command_endpoint), so they test reachability from another site.',
  size: { cores: 2, memory: 2, disk: 16 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(5665),
      reach: { kinds: ['icinga2-master'] },
      purpose: 'Icinga2 API for the master',
    },
  ],
  params: [],
  checks: () => [local('icinga2 running', 'check_procs', '-C', 'icinga2', '-c', '1:')],
  backup: { paths: ['/etc/icinga2', '/var/lib/icinga2'] },
  packages: [
    'icinga2',
    'monitoring-plugins-basic',
    'monitoring-plugins-standard',
    'monitoring-plugins-contrib',
  ],
  dependsOn: ['icinga2-master'],
});
