// An SFTP file drop: outside partners upload into a chroot per account, nothing else.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

const GROUP = 'sftp-drop';

export const sftpDrop = defineKind({
  kind: 'sftp-drop',
  title: 'SFTP file drop (chrooted, upload only)',
  notes: `OpenSSH's internal-sftp for members of group ${GROUP}, each locked into /srv/sftp/<user>.`,
  size: { cores: 2, memory: 2, disk: 16 },
  ports: [{ proto: 'tcp', port: portRange(22), reach: 'public', sshd: true, purpose: 'SFTP file drop' }],
  params: [],
  backup: { paths: ['/srv/sftp'] },
  packages: [],
  ssh: { groups: [GROUP] },
  cloudInit: () => ({
    files: [
      {
        path: '/etc/ssh/sshd_config.d/50-sftp-drop.conf',
        content: [
          '# SFTP drop accounts: no shell, no forwarding, locked into their directory.',
          `Match Group ${GROUP}`,
          '    ForceCommand internal-sftp',
          '    ChrootDirectory /srv/sftp/%u',
          '    AllowTcpForwarding no',
          '    X11Forwarding no',
          '',
        ].join('\n'),
      },
    ],
    runcmd: [
      ['groupadd', '--force', '--system', GROUP],
      ['install', '-d', '-m', '0755', '-o', 'root', '-g', 'root', '/srv/sftp'],
    ],
  }),
  dependsOn: [],
});
