// Schema of inventory/networks.yaml: the layer-2 networks of each site, IPv6 first.
import { z } from 'zod';
import { ipv4Address, ipv4Prefix, ipv6Address, ipv6Prefix, name } from './common.ts';
import { notes } from './grammars.ts';

export const networkSchema = z.strictObject({
  name,
  site: name,
  /** public: reachable from the Internet; internal: between our VMs; management: Proxmox, IPMI, SSH to nodes. */
  purpose: z.enum(['public', 'internal', 'management']),
  /** Linux bridge on the Proxmox nodes that carries this network. */
  bridge: z
    .string()
    .regex(/^vmbr\d{1,4}$/, { error: 'is not a Proxmox bridge name; expected vmbr0 .. vmbr9999' }),
  /** 802.1Q tag on the bridge; untagged when absent. */
  vlan: z.number().int().min(1).max(4094).optional(),
  ipv6: ipv6Prefix.optional(),
  gateway6: ipv6Address.optional(),
  ipv4: ipv4Prefix.optional(),
  gateway4: ipv4Address.optional(),
  notes: notes.optional(),
});

export const networksFileSchema = z.strictObject({ networks: z.array(networkSchema) });

export type Network = z.infer<typeof networkSchema>;
