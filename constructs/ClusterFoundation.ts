// What every Proxmox cluster gets once: resource pools, firewall defaults and the nightly vzdump job.
import { type PortRange, portRange } from '../inventory/ports.ts';
import { proxmoxPorts } from './proxmox-ports.ts';
import { Construct } from 'constructs';
import { BackupJob } from '../.gen/providers/proxmox/backup-job/index.ts';
import { VirtualEnvironmentClusterFirewall } from '../.gen/providers/proxmox/virtual-environment-cluster-firewall/index.ts';
import { VirtualEnvironmentFirewallIpset } from '../.gen/providers/proxmox/virtual-environment-firewall-ipset/index.ts';
import { VirtualEnvironmentFirewallRules } from '../.gen/providers/proxmox/virtual-environment-firewall-rules/index.ts';
import { VirtualEnvironmentPool } from '../.gen/providers/proxmox/virtual-environment-pool/index.ts';

/** The ipset that management rules refer to, as `+management`. */
export const MANAGEMENT_IPSET = 'management';

export interface ClusterFoundationProps {
  /** Cluster name, used in comments and the backup job id. */
  readonly cluster: string;
  /** Prefixes allowed to reach SSH, the web UI and ICMP on the nodes. */
  readonly managementPrefixes: readonly string[];
  /** Resource pools to create. @default none */
  readonly pools?: readonly string[];
  /** Whether the nodes run Ceph (its ports are then opened between management addresses). @default false */
  readonly ceph?: boolean;
  readonly backup: {
    /** Storage id that receives the dumps. */
    readonly storage: string;
    /** systemd calendar event. */
    readonly schedule: string;
    readonly keepDaily: number;
    readonly keepWeekly: number;
    readonly keepMonthly: number;
  };
}

export class ClusterFoundation extends Construct {
  /** The pools by name: VMs and ACLs on a pool depend on it, since Proxmox refuses either before it exists. */
  readonly pools = new Map<string, VirtualEnvironmentPool>();

  constructor(scope: Construct, id: string, props: ClusterFoundationProps) {
    super(scope, id);
    const pools = [...new Set(props.pools ?? [])].sort();
    if (props.managementPrefixes.length === 0) {
      throw new Error(`cluster ${props.cluster}: no management prefix; the firewall would lock everyone out`);
    }

    for (const pool of pools) {
      const resource = new VirtualEnvironmentPool(this, `pool-${pool}`, {
        poolId: pool,
        comment: `VMs tagged ${pool}`,
      });
      resource.overrideLogicalId(pool);
      this.pools.set(pool, resource);
    }

    new VirtualEnvironmentClusterFirewall(this, 'firewall', {
      enabled: true,
      ebtables: true,
      inputPolicy: 'DROP',
      outputPolicy: 'ACCEPT',
      forwardPolicy: 'ACCEPT',
      logRatelimit: { enabled: true, burst: 5, rate: '1/second' },
    }).overrideLogicalId('cluster');

    const ipset = new VirtualEnvironmentFirewallIpset(this, 'management', {
      name: MANAGEMENT_IPSET,
      comment: 'Management networks: SSH, web UI and ICMP to the nodes',
      cidr: [...props.managementPrefixes].sort().map((name) => ({ name })),
    });
    ipset.overrideLogicalId(MANAGEMENT_IPSET);

    const fromManagement = `+${MANAGEMENT_IPSET}`;
    const rules: { proto: string; dport?: PortRange; comment: string }[] = [
      { proto: 'tcp', dport: portRange(22), comment: 'SSH to the nodes' },
      { proto: 'tcp', dport: portRange(8006), comment: 'Proxmox web UI and API' },
      { proto: 'icmp', comment: 'ping (IPv4)' },
      { proto: 'ipv6-icmp', comment: 'ping and neighbour discovery (IPv6)' },
      ...(props.ceph
        ? [
            { proto: 'tcp', dport: portRange(3300), comment: 'Ceph monitors (msgr2)' },
            { proto: 'tcp', dport: portRange(6789), comment: 'Ceph monitors (msgr1)' },
            { proto: 'tcp', dport: portRange(6800, 7300), comment: 'Ceph OSDs and managers' },
          ]
        : []),
    ];
    const clusterRules = new VirtualEnvironmentFirewallRules(this, 'rules', {
      rule: rules.map((r) => ({
        type: 'in',
        action: 'ACCEPT',
        proto: r.proto,
        ...(r.dport ? { dport: proxmoxPorts(r.dport) } : {}),
        source: fromManagement,
        comment: r.comment,
        enabled: true,
      })),
      dependsOn: [ipset],
    });
    clusterRules.overrideLogicalId('cluster');

    new BackupJob(this, 'backup', {
      id: `nightly-${props.cluster}`,
      schedule: props.backup.schedule,
      storage: props.backup.storage,
      all: true,
      mode: 'snapshot',
      compress: 'zstd',
      enabled: true,
      mailnotification: 'failure',
      repeatMissed: true,
      pruneBackups: {
        'keep-daily': String(props.backup.keepDaily),
        'keep-weekly': String(props.backup.keepWeekly),
        'keep-monthly': String(props.backup.keepMonthly),
      },
      notesTemplate: '{{guestname}}',
    }).overrideLogicalId('nightly');
  }
}
