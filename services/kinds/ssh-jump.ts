// The SSH jump host: the one way in for maintainers, instead of a VPN (ssh -J jump.example.org vm).
import { portRange } from '../../inventory/ports.ts';
import { defineKind } from '../types.ts';

export const sshJump = defineKind({
  kind: 'ssh-jump',
  title: 'SSH jump host',
  notes: 'Plain OpenSSH with TCP forwarding for ProxyJump; org.yaml ssh.sources must contain its addresses.',
  size: { cores: 1, memory: 1, disk: 16 },
  ports: [
    { proto: 'tcp', port: portRange(22), reach: 'public', ipv4: true, sshd: true, purpose: 'SSH jump host' },
  ],
  params: [],
  backup: { paths: [] },
  packages: [],
  ssh: { forwarding: true },
  dependsOn: [],
});
