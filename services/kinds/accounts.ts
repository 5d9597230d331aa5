// The organisation's account management: members, their groups and SSH keys (which sshd fetches at login).
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const accounts = defineKind({
  kind: 'accounts',
  title: 'Account management (members, groups, SSH keys)',
  notes:
    "The organisation's own Django application, its source pinned by commit in releases.yaml, in a virtualenv per " +
    'commit under /opt/accounts, served by gunicorn on 8000 (baseline/accounts.ts). ' +
    "It publishes the members' public keys that every VM's sshd fetches (ssh.keys_url in org.yaml).",
  size: { cores: 2, memory: 4, disk: 32 },
  ports: [
    { proto: 'tcp', port: portRange(8000), reach: 'proxy', purpose: 'accounts (gunicorn, behind the proxy)' },
  ],
  web: { port: 8000, tls: 'proxy', defaultName: 'id', health: { path: '/' } },
  params: ['domain', 'aliases', 'db'],
  backup: { paths: ['/etc/accounts', '/srv/accounts'], databases: [{ name: 'accounts', user: 'accounts' }] },
  packages: ['python3-venv', 'gunicorn'],
  dependsOn: ['postgresql'],
});
