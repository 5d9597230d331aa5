// Schema of inventory/clusters.yaml: Proxmox VE clusters, their nodes, Ceph pools and storages.
import { z } from 'zod';
import { gib, ipv4Address, ipv6Address, name, sshPublicKey } from './common.ts';
import { calendarEvent, storageId, url } from './grammars.ts';

export const nodeSchema = z.strictObject({
  name,
  /** Physical cores. */
  cores: z.number().int().min(1).max(1024),
  /** RAM in GiB. */
  memory: gib,
  /** Usable local disk in GiB for node-local storages (lvm-thin, zfspool, dir). */
  local_disk: gib,
  /** Address on the site's management network (API, SSH, monitoring). */
  ipv6: ipv6Address,
  ipv4: ipv4Address.optional(),
  /**
   * The node's SSH host keys (`/etc/ssh/ssh_host_*_key.pub`). The provider uploads cloud-init snippets over
   * SSH to the node's IPv6 management address; synth pins these keys there in artifacts/ssh/proxmox_known_hosts.
   */
  host_keys: z.array(sshPublicKey).min(1),
});

export const cephPoolSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_.-]*$/, { error: 'is not a Ceph pool name' }),
  size: z.number().int().min(1).max(10),
  min_size: z.number().int().min(1).max(10),
  application: z.enum(['rbd', 'cephfs', 'rgw']),
});

/** Storage types whose content every node of the cluster sees: a VM on them can move. */
export const SHARED_STORAGE_TYPES = ['rbd', 'cephfs', 'nfs', 'pbs'] as const;

export const storageSchema = z.strictObject({
  name: storageId,
  type: z.enum(['rbd', 'cephfs', 'nfs', 'pbs', 'lvmthin', 'zfspool', 'dir']),
  /** Ceph pool behind an rbd storage. */
  pool: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]*$/, { error: 'is not a Ceph pool name' })
    .optional(),
  content: z.array(z.enum(['images', 'rootdir', 'iso', 'vztmpl', 'snippets', 'backup', 'import'])).min(1),
});

export const clusterSchema = z.strictObject({
  name,
  site: name,
  /** Proxmox VE API endpoint the provider talks to. */
  endpoint: url('https'),
  nodes: z.array(nodeSchema).min(1),
  ceph: z.strictObject({ pools: z.array(cephPoolSchema).min(1) }).optional(),
  storages: z.array(storageSchema).min(1),
  bridges: z.array(z.string().regex(/^vmbr\d{1,4}$/, { error: 'is not a Proxmox bridge name' })).min(1),
  /** Storage that holds cloud-init snippets and downloaded cloud images (needs snippets and import content). */
  snippets: storageId,
  /** Nightly vzdump of every VM of the cluster. */
  backup: z.strictObject({
    storage: storageId,
    /** systemd calendar event, as Proxmox schedules take it. */
    schedule: calendarEvent.default('*-*-* 02:30'),
    keep_daily: z.number().int().min(0).default(7),
    keep_weekly: z.number().int().min(0).default(4),
    keep_monthly: z.number().int().min(0).default(3),
  }),
});

export const clustersFileSchema = z.strictObject({ clusters: z.array(clusterSchema) });

export type Cluster = z.infer<typeof clusterSchema>;
export type Node = z.infer<typeof nodeSchema>;
export type Storage = z.infer<typeof storageSchema>;
