// Security part of the baseline: SSH by key only, member keys fetched at login, brute-force protection, the admin group.
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { accountsOn } from '../members/access.ts';
import { CATALOG } from '../services/catalog.ts';
import { generated, type Part, sh, type VmDirectory, type VmFile } from './parts.ts';

/** OpenSSH 9.2 (Debian 12) and 10.0 (Debian 13): only AEAD or encrypt-then-MAC, only (post-quantum) X25519 kex. */
const KEX_12 = ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256', 'curve25519-sha256@libssh.org'];
const KEX_13 = ['mlkem768x25519-sha256', ...KEX_12];
const CIPHERS = ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes128-gcm@openssh.com'];
const MACS = ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com'];

export const MEMBER_KEYS_CONF = '/etc/ssh/member-keys.conf';
export const MEMBER_KEYS_COMMAND = '/usr/local/sbin/member-keys';
const MEMBER_KEYS_USER = 'member-keys';

/** Login groups sshd allows on a VM: the admins, the monitoring user, and what its services add. */
export function allowedGroups(inventory: Inventory, vm: Vm): string[] {
  const groups = [inventory.org.admin.group];
  if (inventory.org.monitoring) groups.push(inventory.org.monitoring.user);
  // Members without sudo are in `members` only (baseline/members.ts); it is named where any may log in.
  if (accountsOn(inventory, vm).some((a) => !a.sudo)) groups.push('members');
  for (const s of vm.services) for (const g of CATALOG.get(s.kind)?.ssh?.groups ?? []) groups.push(g);
  return [...new Set(groups)];
}

/** Prefixes that never get penalised or banned: our own monitoring and jump hosts. */
function trustedSources(inventory: Inventory): string[] {
  const sources = [...(inventory.org.monitoring?.sources ?? []), ...inventory.org.ssh.sources];
  return [...new Set(sources.map((p) => p.text))];
}

function sshdDropIn(inventory: Inventory, vm: Vm): string {
  const forwarding = vm.services.some((s) => CATALOG.get(s.kind)?.ssh?.forwarding);
  const lines = [
    '# Keys only: no passwords, no keyboard-interactive, no root.',
    'PermitRootLogin no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AuthenticationMethods publickey',
    `AllowGroups ${allowedGroups(inventory, vm).join(' ')}`,
    'MaxAuthTries 3',
    'LoginGraceTime 30',
    '# Modern algorithms only (every OpenSSH client since 8.5 speaks them).',
    `KexAlgorithms ${(vm.os === 'debian-13' ? KEX_13 : KEX_12).join(',')}`,
    `Ciphers ${CIPHERS.join(',')}`,
    `MACs ${MACS.join(',')}`,
    'X11Forwarding no',
    'AllowAgentForwarding no',
    'PermitTunnel no',
    // A jump host forwards TCP for ProxyJump (`ssh -J`); nothing else needs to.
    `AllowTcpForwarding ${forwarding ? 'local' : 'no'}`,
  ];
  if (inventory.org.ssh.keys_url) {
    lines.push(
      '# Members log in with the keys the organisation publishes; see /etc/ssh/member-keys.conf.',
      `AuthorizedKeysCommand ${MEMBER_KEYS_COMMAND} %u`,
      `AuthorizedKeysCommandUser ${MEMBER_KEYS_USER}`,
    );
  }
  if (vm.os === 'debian-13') {
    // OpenSSH 9.8+ slows down sources that fail to authenticate; Debian 12 gets fail2ban instead.
    lines.push('PerSourcePenalties authfail:30s noauth:5s max:10m');
    const trusted = trustedSources(inventory);
    if (trusted.length > 0) lines.push(`PerSourcePenaltyExemptList ${trusted.join(',')}`);
  }
  return generated('#', `${lines.join('\n')}\n`);
}

/**
 * Prints a member's public keys for sshd. It keeps the last good answer so logins still work while the key
 * server is down, and forgets it when the server says the member is gone (404/410) or has no keys.
 */
export const MEMBER_KEYS_SCRIPT = `#!/bin/sh
# AuthorizedKeysCommand: prints the SSH public keys of member $1, fetched from the URL on the KEYS_URL=
# line of /etc/ssh/member-keys.conf. Runs as user ${MEMBER_KEYS_USER}; never fails a login by itself.
set -u
user="\${1:-}"
case "$user" in ''|*[!a-z0-9_-]*) exit 0 ;; esac
# The file is data, read as one value: sourcing it would run whatever it holds on every login.
template=$(sed -n 's/^KEYS_URL=//p' /etc/ssh/member-keys.conf | head -n 1)
url=$(printf '%s' "$template" | sed "s/{user}/$user/")
cache="/var/cache/member-keys/$user"
tmp=$(mktemp /var/cache/member-keys/.fetch.XXXXXX) || exit 0
code=$(curl --silent --max-time 5 --proto =https --output "$tmp" --write-out '%{http_code}' "$url")
case "$code" in
  200) grep -E '^(ssh-ed25519|sk-ssh-ed25519@openssh.com|ecdsa-sha2-nistp(256|384|521)|sk-ecdsa-sha2-nistp256@openssh.com|ssh-rsa) ' "$tmp" > "$cache.new"
       mv "$cache.new" "$cache" ;;
  404|410) rm -f "$cache" ;;
esac
rm -f "$tmp"
[ -r "$cache" ] && cat "$cache"
exit 0
`;

function fail2banJail(inventory: Inventory): string {
  const ignore = ['127.0.0.1/8', '::1', ...trustedSources(inventory)];
  return generated(
    '#',
    [
      '[DEFAULT]',
      `ignoreip = ${ignore.join(' ')}`,
      'banaction = nftables-multiport',
      'banaction_allports = nftables-allports',
      '',
      '[sshd]',
      'enabled = true',
      // Debian 12 logs to the journal only; the default file backend would find no auth.log and fail.
      'backend = systemd',
      'maxretry = 5',
      'findtime = 10m',
      'bantime = 1h',
      '',
    ].join('\n'),
  );
}

export function securityPart(inventory: Inventory, vm: Vm): Part {
  const { admin, ssh } = inventory.org;
  const files: VmFile[] = [
    {
      path: '/etc/ssh/sshd_config.d/10-baseline.conf',
      content: sshdDropIn(inventory, vm),
      permissions: '0644',
      // Checked alone as a whole config (with the default host keys): a typo must not lock everyone out.
      validate: '/usr/sbin/sshd -t -f %s',
      reload: 'reload ssh' as const,
    },
    {
      path: '/etc/sudoers.d/10-admins',
      content: generated(
        '#',
        `# Administrators log in with keys and have no password, so sudo asks for none.\n%${admin.group} ALL=(ALL:ALL) NOPASSWD: ALL\n`,
      ),
      permissions: '0440',
      validate: '/usr/sbin/visudo -cf %s',
    },
  ];
  const runcmd = [];
  const directories: VmDirectory[] = [];
  const services = ['ssh'];
  if (ssh.keys_url) {
    directories.push({
      path: '/var/cache/member-keys',
      mode: '0700',
      owner: `${MEMBER_KEYS_USER}:${MEMBER_KEYS_USER}`,
    });
    files.push(
      { path: MEMBER_KEYS_COMMAND, content: MEMBER_KEYS_SCRIPT, permissions: '0755' },
      {
        path: '/etc/ssh/member-keys.conf',
        // Not shell: member-keys reads the value after "KEYS_URL=" literally, up to the end of the line.
        content: generated('#', `KEYS_URL=${ssh.keys_url}\n`),
        permissions: '0644',
      },
    );
    runcmd.push([
      'install',
      '-d',
      '-m',
      '0700',
      '-o',
      MEMBER_KEYS_USER,
      '-g',
      MEMBER_KEYS_USER,
      '/var/cache/member-keys',
    ]);
  }
  const packages = ['openssh-server', 'curl'];
  if (vm.os === 'debian-12') {
    packages.push('fail2ban', 'python3-systemd');
    files.push({
      path: '/etc/fail2ban/jail.d/baseline.local',
      content: fail2banJail(inventory),
      permissions: '0644',
      reload: 'restart fail2ban',
    });
    services.push('fail2ban');
    runcmd.push(['systemctl', 'enable', 'fail2ban'], ['systemctl', 'restart', 'fail2ban']);
  }
  runcmd.push(sh('sshd -t && systemctl reload ssh'));
  return {
    name: 'security: SSH keys only, modern ciphers, brute-force protection, admin group',
    packages,
    groups: [admin.group],
    users: ssh.keys_url
      ? [{ name: MEMBER_KEYS_USER, system: true, shell: '/usr/sbin/nologin', lock_passwd: true }]
      : [],
    files,
    directories,
    services,
    runcmd,
  };
}

/** Bounded journal: a full disk takes services down, logs must not be the cause. */
export function journaldPart(vm: Vm): Part {
  const bootDiskGiB = vm.disks[0]?.size ?? 16;
  const maxUse = Math.min(2048, Math.max(256, Math.round(bootDiskGiB * 1024 * 0.05)));
  return {
    name: `journald: persistent, at most ${maxUse} MiB`,
    files: [
      {
        path: '/etc/systemd/journald.conf.d/10-baseline.conf',
        content: generated('#', `[Journal]\nStorage=persistent\nSystemMaxUse=${maxUse}M\n`),
        permissions: '0644',
        reload: 'restart journald',
      },
    ],
    runcmd: [['systemctl', 'restart', 'systemd-journald']],
  };
}
