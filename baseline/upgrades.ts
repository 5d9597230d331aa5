// Automatic upgrades: unattended-upgrades with Debian security always on, rebooting at the VM's turn
// (inventory/reboots.ts) inside its window.
import type { Inventory } from '../inventory/inventory.ts';
import { clock, minutes, rebootWindowOf } from '../inventory/reboots.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { generated, type Part } from './parts.ts';

/** unattended-upgrades expands this itself to bookworm or trixie. */
const DISTRO_CODENAME = '${distro_codename}';

/** The Origins-Pattern lines: Debian security always, point releases and stable-updates when wanted. */
export function upgradeOrigins(inventory: Inventory): string[] {
  const origins = [`origin=Debian,codename=${DISTRO_CODENAME}-security,label=Debian-Security`];
  if (inventory.org.upgrades.stable_updates) {
    origins.push(`origin=Debian,codename=${DISTRO_CODENAME},label=Debian`);
    origins.push(`origin=Debian,codename=${DISTRO_CODENAME}-updates,label=Debian`);
  }
  return origins;
}

export function upgradesPart(inventory: Inventory, vm: Vm, rebootTime: string): Part {
  const origins = upgradeOrigins(inventory)
    .map((o) => `        "${o}";`)
    .join('\n');
  const unattended = generated(
    '//',
    [
      '// Replaces the origins of 50unattended-upgrades: exactly these are installed automatically.',
      '#clear Unattended-Upgrade::Origins-Pattern;',
      'Unattended-Upgrade::Origins-Pattern {',
      origins,
      '};',
      'Unattended-Upgrade::Remove-Unused-Kernel-Packages "true";',
      'Unattended-Upgrade::Remove-Unused-Dependencies "true";',
      `// Reboot when an upgrade needs it, at this VM's turn in its window (${rebootWindowOf(inventory, vm)}).`,
      'Unattended-Upgrade::Automatic-Reboot "true";',
      'Unattended-Upgrade::Automatic-Reboot-WithUsers "true";',
      `Unattended-Upgrade::Automatic-Reboot-Time "${rebootTime}";`,
      'Unattended-Upgrade::SyslogEnable "true";',
      '',
    ].join('\n'),
  );
  const periodic = generated(
    '//',
    'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::AutocleanInterval "7";\n',
  );
  // Upgrades run an hour before the reboot time, so a reboot they need happens the same night.
  const upgradeAt = clock(minutes(rebootTime) - 60);
  const timer = generated(
    '#',
    `[Timer]\nOnCalendar=\nOnCalendar=*-*-* ${upgradeAt}:00\nRandomizedDelaySec=15m\n`,
  );
  const needrestart = generated(
    '#',
    "# Restart services using upgraded libraries without asking.\n$nrconf{restart} = 'a';\n",
  );
  return {
    name: `automatic upgrades: security always, reboot at ${rebootTime}`,
    packages: ['unattended-upgrades', 'apt-listchanges', 'needrestart'],
    files: [
      {
        path: '/etc/apt/apt.conf.d/52unattended-upgrades-baseline',
        content: unattended,
        permissions: '0644',
      },
      { path: '/etc/apt/apt.conf.d/20auto-upgrades', content: periodic, permissions: '0644' },
      {
        path: '/etc/systemd/system/apt-daily-upgrade.timer.d/baseline.conf',
        content: timer,
        permissions: '0644',
        reload: 'reload systemd',
      },
      { path: '/etc/needrestart/conf.d/baseline.conf', content: needrestart, permissions: '0644' },
    ],
    services: ['apt-daily-upgrade.timer'],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'restart', 'apt-daily-upgrade.timer'],
    ],
  };
}
