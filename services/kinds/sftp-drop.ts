// An SFTP file drop: outside partners upload into a chroot per account, nothing else.
import { portRange } from '../../inventory/ports.ts';
import { defineKind, type NameContext } from '../types.ts';

const GROUP = 'sftp-drop';
/** Each partner's chroot; sshd wants it owned by root and writable by nobody else. */
const ROOT = '/srv/sftp';

interface Partner {
  readonly name: string;
  readonly keys: readonly string[];
}

/** The `partners:` of the instance (vms.schema.ts has checked their shape and keys). */
function partners(ctx: Pick<NameContext, 'params'>): Partner[] {
  const value = ctx.params.partners;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (p): p is Partner =>
      typeof p === 'object' &&
      p !== null &&
      typeof (p as Partner).name === 'string' &&
      Array.isArray((p as Partner).keys),
  );
}

export const sftpDrop = defineKind({
  kind: 'sftp-drop',
  title: 'SFTP file drop (chrooted, upload only)',
  notes: `OpenSSH's internal-sftp for the partners of the instance (group ${GROUP}), each locked into ${ROOT}/<name>, uploading into upload/.`,
  size: { cores: 2, memory: 2, disk: 16 },
  ports: [{ proto: 'tcp', port: portRange(22), reach: 'public', sshd: true, purpose: 'SFTP file drop' }],
  params: ['partners'],
  backup: { paths: ['/srv/sftp'] },
  packages: [],
  ssh: { groups: [GROUP] },
  setup: (ctx) => ({
    groups: [GROUP],
    // The home is the chroot: the keys sit in its .ssh (the partner's own), uploads go to upload/.
    users: partners(ctx).map((p) => ({
      name: p.name,
      home: `${ROOT}/${p.name}`,
      shell: '/usr/sbin/nologin',
      groups: [GROUP],
      keys: p.keys,
    })),
    files: [
      {
        path: '/etc/ssh/sshd_config.d/50-sftp-drop.conf',
        content: [
          '# SFTP drop accounts: no shell, no forwarding, locked into their directory.',
          `Match Group ${GROUP}`,
          '    ForceCommand internal-sftp',
          `    ChrootDirectory ${ROOT}/%u`,
          '    AllowTcpForwarding no',
          '    X11Forwarding no',
          '',
        ].join('\n'),
      },
    ],
    // sshd's ChrootDirectory must belong to root and be writable by nobody else.
    directories: [
      { path: ROOT, mode: '0755' },
      ...partners(ctx).flatMap((p) => [
        { path: `${ROOT}/${p.name}`, mode: '0755' },
        { path: `${ROOT}/${p.name}/upload`, mode: '0750', owner: `${p.name}:${p.name}` },
      ]),
    ],
  }),
  dependsOn: [],
});
