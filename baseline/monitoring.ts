// Monitoring access: the plugins, and an SSH login the Icinga2 master may use to run them (check_by_ssh).
//
// Why check_by_ssh and not the Icinga2 agent: the agent needs its own daemon on every VM, port 5665, a CA
// and a signed certificate per host, and zone configuration that must match on both ends. check_by_ssh
// needs what every VM has anyway, sshd and a key, plus Debian's monitoring-plugins. Two volunteers can
// understand and debug that at 3 a.m.; the cost (an SSH handshake per check) is small at ~50 hosts.
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Part } from './parts.ts';

/** Where the baseline's own small plugins go (Debian's own stay in /usr/lib/nagios/plugins). */
export const LOCAL_PLUGINS = '/usr/local/lib/nagios/plugins';

const CHECK_TIMESYNC = `#!/bin/sh
# Monitoring plugin: is the clock synchronised (chrony via systemd-timedated)?
synced=$(timedatectl show --property=NTPSynchronized --value 2>/dev/null)
if [ "$synced" = yes ]; then echo "TIMESYNC OK - clock synchronised"; exit 0; fi
echo "TIMESYNC CRITICAL - clock not synchronised ($synced)"; exit 2
`;

/** The authorized_keys line: only from the monitoring servers, no shell features beyond running a command. */
export function monitoringKey(inventory: Inventory): string | undefined {
  const m = inventory.org.monitoring;
  if (!m) return undefined;
  return `restrict,from="${m.sources.map((p) => p.text).join(',')}" ${m.ssh_key}`;
}

export function monitoringPart(inventory: Inventory, _vm: Vm): Part {
  const m = inventory.org.monitoring;
  const key = monitoringKey(inventory);
  return {
    name: 'monitoring: monitoring-plugins, run by the Icinga2 master over SSH',
    packages: ['monitoring-plugins-basic', 'monitoring-plugins-systemd'],
    users:
      m && key
        ? [
            {
              name: m.user,
              gecos: 'Icinga2 check_by_ssh',
              shell: '/bin/sh',
              homedir: `/var/lib/${m.user}`,
              lock_passwd: true,
              ssh_authorized_keys: [key],
            },
          ]
        : [],
    files: [{ path: `${LOCAL_PLUGINS}/check_timesync`, content: CHECK_TIMESYNC, permissions: '0755' }],
  };
}
