// Schema of inventory/vms.yaml: every virtual machine, where it runs and what it runs.
import { z } from 'zod';
import { gib, ipv4Address, ipv6Address, name } from './common.ts';

export const diskSchema = z.strictObject({
  storage: z.string(),
  /** Size in GiB. */
  size: z.number().int().min(1).max(65536),
});

export const nicSchema = z
  .strictObject({
    network: name,
    ipv6: ipv6Address.optional(),
    ipv4: ipv4Address.optional(),
  })
  .refine((nic) => nic.ipv4 !== undefined || nic.ipv6 !== undefined, {
    error: 'has no address; expected ipv6 (and ipv4 only where it must be)',
  });

export const vmSchema = z.strictObject({
  name,
  cluster: name,
  /** Preferred node: where the VM runs normally and where HA brings it back. */
  node: name,
  /** Proxmox VMID, unique across the organisation. */
  id: z.number().int().min(100).max(999_999_999),
  cores: z.number().int().min(1).max(512),
  /** RAM in GiB. */
  memory: gib.refine((v) => Number.isInteger(v * 4), { error: 'is not a multiple of 0.25 GiB' }),
  os: z.enum(['debian-12', 'debian-13', 'other']),
  /** The first disk is the boot disk. */
  disks: z.array(diskSchema).min(1),
  nics: z.array(nicSchema).min(1),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'is not a Proxmox tag' })).default([]),
  /** Restart on another node of the cluster when its node fails. */
  ha: z.boolean().default(false),
  /** Holds data: never destroyed or replaced without an explicit, reviewed opt-in. */
  protected: z.boolean().default(false),
  /** VMs sharing a group never share a node (two DNS secondaries, two proxies). */
  anti_affinity: name.optional(),
  /** What the VM runs. */
  services: z.array(z.string().min(1)).default([]),
  notes: z.string().optional(),
});

export const vmsFileSchema = z.strictObject({ vms: z.array(vmSchema) });

export type Vm = z.infer<typeof vmSchema>;
export type Nic = z.infer<typeof nicSchema>;
