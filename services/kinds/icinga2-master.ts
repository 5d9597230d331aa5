// The Icinga2 master: schedules every check (most over SSH), keeps history, shows Icinga Web 2.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';
import { local } from './_helpers.ts';

/** The databases on the master's own PostgreSQL, each owned by a role of the same name (monitoring/icingaweb.ts). */
export const ICINGA_DATABASES = { ido: 'icinga2_ido', web: 'icingaweb2' } as const;

export const icinga2Master = defineKind({
  kind: 'icinga2-master',
  title: 'Icinga2 master (monitoring) with Icinga Web 2',
  notes:
    'Debian packages icinga2 and icingaweb2. Its configuration is rendered from the inventory ' +
    '(monitoring/, written to cdktf.out/artifacts/icinga2/) and deployed by converge after icinga2 daemon -C. ' +
    'Checks on VMs run with check_by_ssh (no agent on them); only the satellites join its PKI.',
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(80), reach: 'proxy', purpose: 'Icinga Web 2 (behind the proxy)' },
    { proto: 'tcp', port: portRange(5665), reach: 'dependents', purpose: 'Icinga2 API for the satellites' },
  ],
  web: {
    port: 80,
    tls: 'proxy',
    defaultName: 'monitoring',
    health: { path: '/icingaweb2/authentication/login' },
  },
  params: ['domain', 'aliases'],
  checks: () => [
    local('icinga2 running', 'check_procs', '-C', 'icinga2', '-c', '1:'),
    // nginx, php-fpm and Icinga Web 2's configuration together render the login form with its CSRF token
    // (with the cookie its cookie check sets first; without it the form is a redirect).
    local(
      'Icinga Web 2 login form',
      'check_http',
      ...['-H', 'localhost', '-k', 'Cookie: _chc=1', '-u', '/icingaweb2/authentication/login'],
      ...['-s', 'CSRFToken'],
    ),
  ],
  backup: {
    paths: ['/etc/icinga2', '/var/lib/icinga2', '/etc/icingaweb2'],
    // The IDO (history) and Icinga Web 2's database, on the master's own PostgreSQL (monitoring/icingaweb.ts).
    localDatabases: [ICINGA_DATABASES.ido, ICINGA_DATABASES.web],
  },
  packages: [
    'icinga2',
    'icingaweb2',
    'php-fpm',
    'nginx',
    'monitoring-plugins-basic',
    'monitoring-plugins-standard',
    'monitoring-plugins-contrib',
  ],
  dependsOn: [],
});
