// The Borg repository server: every VM pushes its backups here over SSH, restricted to `borg serve`.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const borgRepo = defineKind({
  kind: 'borg-repo',
  title: 'Borg backup repository server',
  notes:
    "Debian package borgbackup; user borg owns /srv/borg. Each client's key (public half in inventory/public-keys/) goes " +
    'into ~borg/.ssh/authorized_keys with command="borg serve --append-only --restrict-to-path /srv/borg/<vm>",restrict.',
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(22),
      reach: 'backup',
      sshd: true,
      purpose: 'borg serve over SSH for the backup clients',
    },
  ],
  params: [],
  backup: { paths: [], none: true },
  packages: ['borgbackup'],
  ssh: { groups: ['borg'] },
  setup: () => ({
    // `borg serve` runs through its shell; the keys' command= restricts what it may do. useradd makes its
    // group of the same name (sshd's AllowGroups names it).
    users: [{ name: 'borg', home: '/srv/borg', shell: '/bin/sh', system: true }],
    directories: [
      { path: '/srv/borg', mode: '0700', owner: 'borg:borg' },
      { path: '/srv/borg/.ssh', mode: '0700', owner: 'borg:borg' },
    ],
  }),
  dependsOn: [],
});
