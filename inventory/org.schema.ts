// Schema of inventory/org.yaml: organisation-wide settings every other file relies on.
import { z } from 'zod';
import { name, sshPublicKey } from './common.ts';

export const orgSchema = z.strictObject({
  /** Human name of the organisation. */
  name: z.string().min(1),
  /** DNS domain under which every VM gets its FQDN (`<vm>.<domain>`). */
  domain: z.string().regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, {
    error: 'is not a domain name; expected something like example.org',
  }),
  timezone: z.string().min(1).default('Etc/UTC'),
  capacity: z
    .strictObject({
      /** vCPUs allowed per physical core on a node. */
      cpu_overcommit: z.number().min(1).max(16).default(4),
      /** GiB per node kept for Proxmox itself and Ceph OSDs, never given to VMs. */
      memory_reserve: z.number().min(0).default(8),
      /** Committed memory above this share of a node's usable memory is a warning. */
      memory_warn_percent: z.number().min(1).max(100).default(85),
    })
    .prefault({}),
  /** The bootstrap admin that cloud-init creates on every VM, before member accounts exist. */
  admin: z.strictObject({
    user: name,
    keys: z.array(sshPublicKey).min(1),
  }),
});

export type Org = z.infer<typeof orgSchema>;
