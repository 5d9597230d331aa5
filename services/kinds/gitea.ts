// Gitea, the Git forge: web UI and HTTPS Git behind the proxy, Git over SSH on its own port.
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const gitea = defineKind({
  kind: 'gitea',
  title: 'Gitea (Git forge)',
  notes:
    'Not in Debian 12 or 13: the signed upstream binary (dl.gitea.com) runs as user git. Its built-in SSH server ' +
    'listens on 2222 so the system sshd on 22 stays for administrators only.',
  size: { cores: 4, memory: 8, disk: 32 },
  ports: [
    {
      proto: 'tcp',
      port: portRange(3000),
      reach: 'proxy',
      purpose: 'Gitea web and HTTPS Git (behind the proxy)',
    },
    { proto: 'tcp', port: portRange(2222), reach: 'public', purpose: 'Git over SSH (Gitea built-in server)' },
  ],
  web: {
    port: 3000,
    tls: 'proxy',
    defaultName: 'git',
    health: { path: '/api/healthz', expect: 'pass' },
    // Git over HTTPS pushes whole packs, LFS objects and release attachments.
    maxBodyMiB: 1024,
    timeoutSeconds: 600,
  },
  params: ['domain', 'aliases', 'db'],
  backup: {
    paths: ['/etc/gitea', '/var/lib/gitea'],
    databases: [{ name: 'gitea', user: 'gitea' }],
  },
  packages: ['git', 'git-lfs'],
  user: 'git',
  createsUser: true,
  release: {
    user: 'git',
    dataDir: '/var/lib/gitea',
    program: 'gitea',
    args: ['web', '--config', '/etc/gitea/app.ini', '--work-path', '/var/lib/gitea'],
    environment: ['USER=git', 'HOME=/var/lib/gitea', 'GITEA_WORK_DIR=/var/lib/gitea'],
  },
  dependsOn: ['postgresql'],
});
