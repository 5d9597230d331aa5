// Backups: borgmatic pushes the VM's files and its services' database dumps to the Borg repository every night.
import type { Inventory } from '../inventory/inventory.ts';
import type { BackupPlan } from '../model/backup-plan.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import { borgSecretPaths } from './borg.ts';
import { generated, type Part, sh } from './parts.ts';
import { emitPlainYaml } from './yaml-text.ts';

/** Written after every successful backup; the monitoring checks its age. */
export const LAST_BACKUP_FILE = '/var/lib/borgmatic-status/last-success';
export const BORGMATIC_CONFIG = '/etc/borgmatic/config.yaml';

export type { BackupPlan } from '../model/backup-plan.ts';

/** How borgmatic (which runs as root) dumps and restores a database of the VM's own PostgreSQL. */
const LOCAL_PG_DUMP = 'runuser -u postgres -- pg_dump';
const LOCAL_PSQL = 'runuser -u postgres -- psql';

function borgmaticConfig(inventory: Inventory, vm: Vm, plan: BackupPlan): string {
  const backup = inventory.org.backup!;
  const retention = {
    keep_daily: backup.keep_daily,
    keep_weekly: backup.keep_weekly,
    keep_monthly: backup.keep_monthly,
  };
  const { passphrase, sshKey } = borgFiles(inventory, vm);
  const storage = {
    encryption_passcommand: `cat ${passphrase}`,
    ssh_command: `ssh -i ${sshKey} -o StrictHostKeyChecking=accept-new`,
    archive_name_format: '{hostname}-{now:%Y-%m-%dT%H:%M:%S}',
  };
  const hooks = {
    ...(plan.databases.length > 0
      ? {
          postgresql_databases: plan.databases.map((d) =>
            d.hostname
              ? { name: d.name, hostname: d.hostname, username: d.username }
              : // The VM's own server: as its superuser over the socket (peer), which needs no password.
                { name: d.name, pg_dump_command: LOCAL_PG_DUMP, psql_command: LOCAL_PSQL },
          ),
        }
      : {}),
    after_backup: [`date --utc +%Y-%m-%dT%H:%M:%SZ > ${LAST_BACKUP_FILE}`],
  };
  const consistency = { checks: [{ name: 'repository', frequency: '2 weeks' }] };
  // Debian 12 ships borgmatic 1.7, which wants sections; Debian 13's 1.9 wants the flat form.
  const config =
    vm.os === 'debian-12'
      ? {
          location: {
            source_directories: plan.paths,
            repositories: [plan.repository],
            one_file_system: true,
          },
          storage,
          retention,
          consistency,
          hooks,
        }
      : {
          source_directories: plan.paths,
          repositories: [{ path: plan.repository, label: 'offsite' }],
          one_file_system: true,
          ...storage,
          ...retention,
          ...consistency,
          ...hooks,
        };
  return generated('#', emitPlainYaml(config));
}

/**
 * Where borgmatic reads the passphrase and key: the files converge writes from the store, or (an organisation
 * without a store) files made on the VM at first boot, which a person copies into the team's password store.
 */
function borgFiles(inventory: Inventory, vm: Vm): { passphrase: string; sshKey: string } {
  return inventory.org.secrets
    ? borgSecretPaths(vm)
    : { passphrase: '/etc/borgmatic/passphrase', sshKey: '/etc/borgmatic/id_ed25519' };
}

/** Made on the VM and never sent anywhere, except by a person into the team's password store. */
const PASSPHRASE = 'umask 077; head -c 32 /dev/urandom | base64 > /etc/borgmatic/passphrase';

export function backupPart(inventory: Inventory, vm: Vm, plan: BackupPlan): Part {
  const backup = inventory.org.backup!;
  // With a store, converge writes the passphrase and key, and the repository is made at converge (borg.ts).
  const onVm = !inventory.org.secrets;
  const sshKey = [
    'ssh-keygen',
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `borgmatic@${fqdn(inventory, vm)}`,
    '-f',
    '/etc/borgmatic/id_ed25519',
  ];
  const timer = generated(
    '#',
    `[Timer]\nOnCalendar=\nOnCalendar=*-*-* ${backup.time}:00\nRandomizedDelaySec=30m\nPersistent=true\n`,
  );
  return {
    name: `backup: borgmatic to ${plan.repository} at ${backup.time}`,
    packages: ['borgmatic', 'borgbackup', ...(plan.databases.length > 0 ? ['postgresql-client'] : [])],
    files: [
      { path: BORGMATIC_CONFIG, content: borgmaticConfig(inventory, vm, plan), permissions: '0600' },
      {
        path: '/etc/systemd/system/borgmatic.timer.d/schedule.conf',
        content: timer,
        permissions: '0644',
        reload: 'reload systemd',
      },
    ],
    directories: [{ path: '/var/lib/borgmatic-status', mode: '0755' }],
    ...(onVm
      ? {
          once: [
            { name: 'Make the borg passphrase', argv: sh(PASSPHRASE), creates: '/etc/borgmatic/passphrase' },
            {
              name: 'Make the SSH key borgmatic logs in to the repository with',
              argv: sshKey,
              creates: '/etc/borgmatic/id_ed25519',
            },
          ],
        }
      : {}),
    services: ['borgmatic.timer'],
    runcmd: [
      ['install', '-d', '-m', '0755', '/var/lib/borgmatic-status'],
      ...(onVm
        ? [
            sh(`test -s /etc/borgmatic/passphrase || (${PASSPHRASE})`),
            sh(
              `test -s /etc/borgmatic/id_ed25519 || ssh-keygen -q -t ed25519 -N '' -C 'borgmatic@${fqdn(inventory, vm)}' -f /etc/borgmatic/id_ed25519`,
            ),
          ]
        : []),
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'borgmatic.timer'],
    ],
  };
}
