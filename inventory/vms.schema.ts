// Schema of inventory/vms.yaml: every virtual machine, where it runs and what it runs.
import { portRange, portRangeText } from './ports.ts';
import { z } from 'zod';
import { gib, ipv4Address, ipv6Address, name, sshPublicKeyList } from './common.ts';
import { comment, notes, storageId } from './grammars.ts';
import { domainName, sourcePrefix, timeWindow } from './org.schema.ts';

export const diskSchema = z.strictObject({
  storage: storageId,
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

/** An RSA public key in base64, one line: it goes into a TXT record, so nothing but the base64 alphabet. */
const dkimPublicKey = z.string().regex(/^[A-Za-z0-9+/]{200,2000}={0,2}$/, {
  error:
    'is not a DKIM public key; expected the base64 of `openssl pkey -pubout` on one line, without its BEGIN/END lines',
});

/**
 * One service instance: `- gitea` or `- { kind: gitea, domain: git.example.org }`. The kind and which
 * parameters it takes are checked against the service catalog (services/check.ts), which knows the kinds.
 */
export const serviceInstanceSchema = z.union(
  [
    name.transform((kind) => ({ kind })),
    z
      .object({
        kind: name,
        /** The public name the service answers on (web, XMPP or mail domain, depending on the kind). */
        domain: domainName.optional(),
        /** Further public names served by the same instance. */
        aliases: z.array(domainName).optional(),
        /** Mailing-list domains (Mailman): each gets MX, SPF and DMARC records. */
        list_domains: z.array(domainName).optional(),
        /** Matrix server name, the part after the colon in @user:example.org. */
        server_name: domainName.optional(),
        /** The VM whose PostgreSQL holds this instance's database. @default the first in the same site */
        db: name.optional(),
        /** Outside partners of an SFTP drop: one chrooted upload account each, logging in with these keys. */
        partners: z.array(z.strictObject({ name, keys: sshPublicKeyList.min(1) })).optional(),
        /**
         * DKIM of a mail server: the selector and the public half (base64 of the DER SubjectPublicKeyInfo, as
         * `openssl pkey -pubout` prints it without its armour) of the key in the secrets store.
         */
        dkim: z.strictObject({ selector: name, public_key: dkimPublicKey }).optional(),
        /** What a Mumble server shows every user who connects: plain text, line breaks allowed. */
        welcome: notes.optional(),
      })
      // Parameters are kind-specific: services/check.ts reports unknown ones with a did-you-mean.
      .catchall(z.unknown()),
  ],
  { error: 'is not a service; expected a kind such as gitea, or { kind: gitea, domain: git.example.org }' },
);

const portNumber = z.number().int().min(1).max(65535);

/** A port the inventory opens on one VM beyond what its services need. */
export const extraPortSchema = z.strictObject({
  /** A port, or a range such as "10000-20000"; read into the one port-range type (inventory/ports.ts). */
  port: z
    .union([
      portNumber,
      z.string().regex(/^\d{1,5}-\d{1,5}$/, {
        error: 'is not a port range; expected "FROM-TO" such as "10000-20000"',
      }),
    ])
    .transform((port) => {
      if (typeof port === 'number') return portRange(port);
      const [from = 0, to = 0] = port.split('-').map(Number);
      return portRange(from, to);
    })
    .superRefine((range, ctx) => {
      if (range.from >= 1 && range.to <= 65535 && range.from <= range.to) return;
      // Quoted as written, as every other finding quotes its value.
      const input = portRangeText(range);
      ctx.addIssue({
        code: 'custom',
        input,
        message: 'is not a port range; expected FROM-TO with 1 <= FROM <= TO <= 65535',
      });
    }),
  proto: z.enum(['tcp', 'udp']).default('tcp'),
  /** Prefixes allowed to connect. @default everyone */
  sources: z.array(sourcePrefix).optional(),
  /** Why the port is open; shown in the firewall rule. */
  comment: comment.optional(),
});

export const vmSchema = z.strictObject({
  name,
  cluster: name,
  /** Preferred node: where the VM runs normally and where HA brings it back. */
  node: name,
  /** Proxmox VMID, unique across the organisation. */
  id: z.number().int().min(100).max(999_999_999),
  /** @default the catalog's size of what it runs (the larger of each when its kinds differ) */
  cores: z.number().int().min(1).max(512).optional(),
  /** RAM in GiB. @default the catalog's size of what it runs (the larger of each when its kinds differ) */
  memory: gib.refine((v) => Number.isInteger(v * 4), { error: 'is not a multiple of 0.25 GiB' }).optional(),
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
  /** What the VM runs: service kinds from the catalog (services/), with instance parameters. */
  services: z.array(serviceInstanceSchema).default([]),
  /** Debian packages installed on top of the baseline and the services' own. */
  extra_packages: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/, { error: 'is not a Debian package name' }))
    .default([]),
  /** Ports opened on top of the services' own. */
  extra_ports: z.array(extraPortSchema).default([]),
  /** When this VM may reboot after upgrades. @default upgrades.reboot_window in org.yaml */
  reboot_window: timeWindow.optional(),
  notes: notes.optional(),
});

export const vmsFileSchema = z.strictObject({ vms: z.array(vmSchema) });

/** A VM as vms.yaml writes it: cores and memory may be left to the catalog's default. */
export type VmEntry = z.infer<typeof vmSchema>;
/** A VM as the loader returns it: cores and memory resolved (inventory/sizes.ts). */
export type Vm = VmEntry & { readonly cores: number; readonly memory: number };
export type Nic = z.infer<typeof nicSchema>;
export type ServiceInstanceEntry = z.infer<typeof serviceInstanceSchema>;
export type ExtraPort = z.infer<typeof extraPortSchema>;
