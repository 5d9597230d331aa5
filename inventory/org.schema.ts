// Schema of inventory/org.yaml: organisation-wide settings every other file relies on.
import { z } from 'zod';
import { ageSshKey, ipPrefix, name, sshPublicKey, sshPublicKeyList } from './common.ts';
import { domainName, timeZone, title, url, urlTemplate } from './grammars.ts';

/** A DNS name such as example.org or git.example.org (RFC 1123; defined with the other grammars). */
export { domainName };

/** An IPv6 or IPv4 prefix that may connect to a VM (`2001:db8:400::f/128`, `198.51.100.73/32`). */
export const sourcePrefix = ipPrefix;

/** A daily time window `HH:MM-HH:MM` (it may run past midnight, e.g. 23:00-01:00). */
export const timeWindow = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
  error: 'is not a time window; expected HH:MM-HH:MM such as 03:00-05:00',
});

/** Let's Encrypt's production ACME directory: the default CA. */
export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

/** A mail address for an ACME account: `local@domain`, plain characters only (it goes into certbot's cli.ini). */
export const email = z
  .string()
  .regex(/^[A-Za-z0-9._%+-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, {
    error: 'is not a mail address; expected something like hostmaster@example.org',
  });

export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
  error: 'is not a time of day; expected HH:MM such as 01:30',
});

export const orgSchema = z.strictObject({
  /** Human name of the organisation. */
  name: title(120),
  /** DNS domain under which every VM gets its FQDN (`<vm>.<domain>`). */
  domain: domainName,
  /** IANA time zone of every VM. @default Etc/UTC */
  timezone: timeZone.default('Etc/UTC'),
  /** System locale of every Debian VM. @default C.UTF-8 (needs no locale generation) */
  locale: z
    .string()
    .regex(/^[A-Za-z_]+\.UTF-8$/, { error: 'is not a UTF-8 locale; expected something like C.UTF-8' })
    .default('C.UTF-8'),
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
    /** Unix group of the administrators: sudo and SSH login. @default admins */
    group: name.default('admins'),
    keys: sshPublicKeyList.min(1),
  }),
  /** How maintainers reach the VMs over SSH (no VPN: through the jump hosts). */
  ssh: z
    .strictObject({
      /** Prefixes allowed to reach sshd on every VM (the jump hosts). @default none: console only */
      sources: z.array(sourcePrefix).default([]),
      /** Where sshd fetches a member's public keys at login; `{user}` becomes the login name. */
      keys_url: urlTemplate('https', 'user', 'https://accounts.example.org/ssh/{user}.keys').optional(),
    })
    .prefault({}),
  /** Proxmox VE settings shared by every cluster: where member users live. */
  proxmox: z
    .strictObject({
      /** Authentication realm of the member users (`alice@pve`); `pve` keeps passwords in Proxmox itself. @default pve */
      realm: z
        .string()
        .regex(/^[A-Za-z][A-Za-z0-9._-]{1,31}$/, {
          error: 'is not a Proxmox realm; expected a name such as pve',
        })
        .default('pve'),
    })
    .prefault({}),
  /** The forge organisation whose teams members join (the forge stack). @default no forge is managed */
  forge: z
    .strictObject({
      /** Which forge: a Gitea (or Forgejo) server, or GitHub. */
      kind: z.enum(['gitea', 'github']),
      /** Base URL of the forge: the Gitea server, or a GitHub Enterprise server. @default https://github.com for github */
      url: url('https').optional(),
      /** The organisation on the forge whose teams the roles name. */
      organisation: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$/, {
        error: 'is not an organisation name; expected letters, digits, "-", "_" or "."',
      }),
      /**
       * Forge logins of the organisation's owners. GitHub reads an owner's team membership back as
       * `maintainer` whatever it was given, so owners get that role and the plan stays clean. @default none
       */
      owners: z
        .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'is not a forge login' }))
        .default([]),
    })
    .refine((f) => f.kind === 'github' || f.url !== undefined, {
      error: 'has no url; a Gitea forge needs its base URL such as https://git.example.org',
    })
    .optional(),
  /** The Icinga2 master and satellites: what they may reach on every VM. */
  monitoring: z
    .strictObject({
      /** Prefixes the monitoring servers connect from (SSH for check_by_ssh, service ports). */
      sources: z.array(sourcePrefix).min(1),
      /** Public key the monitoring servers use for check_by_ssh; it may run plugins and nothing else. */
      ssh_key: sshPublicKey,
      /** Unix user check_by_ssh logs in as. @default monitoring */
      user: name.default('monitoring'),
    })
    .optional(),
  /** Borg backups of every Debian VM, pushed by borgmatic. */
  backup: z
    .strictObject({
      /** Borg repository URL; `{vm}` becomes the VM's name. */
      repository: urlTemplate('ssh', 'vm', 'ssh://borg@backup1.example.org/./{vm}'),
      /** Prefixes of the backup clients, allowed to reach sshd on the VMs that run borg-repo. */
      sources: z.array(sourcePrefix).min(1),
      /** When the daily backup starts (up to 30 minutes later, randomised). @default 01:00 */
      time: timeOfDay.default('01:00'),
      keep_daily: z.number().int().min(1).default(7),
      keep_weekly: z.number().int().min(0).default(4),
      keep_monthly: z.number().int().min(0).default(6),
    })
    .optional(),
  /** Where certbot gets every TLS certificate (ACME, RFC 8555), validated by DNS-01 through our own Knot. */
  acme: z
    .strictObject({
      /** The ACME server's directory URL. @default Let's Encrypt's production directory */
      directory: url('https').default(LETS_ENCRYPT),
      /** Address the CA writes to about the account. @default none: the account is registered without one */
      contact: email.optional(),
      /** The CA's issuer domain in our zones' CAA records: no other CA may issue for our names. @default letsencrypt.org */
      caa: domainName.default('letsencrypt.org'),
      /** Seconds certbot waits after adding a challenge, so the secondaries have it before the CA asks. @default 60 */
      propagation_seconds: z.number().int().min(0).max(3600).default(60),
    })
    .prefault({}),
  /** Our authoritative DNS (the dns stack): the TTL every record gets, and the bounds any TTL must keep. */
  dns: z
    .strictObject({
      /** Seconds a resolver may cache a record. @default 3600 */
      ttl: z.number().int().default(3600),
      /** Shortest TTL allowed (a shorter one floods the servers). @default 300 */
      ttl_min: z.number().int().min(1).default(300),
      /** Longest TTL allowed (a longer one makes a moved VM unreachable for too long). @default 86400 */
      ttl_max: z.number().int().max(2_147_483_647).default(86400),
    })
    .refine((d) => d.ttl_min <= d.ttl && d.ttl <= d.ttl_max, {
      error: 'has ttl outside ttl_min..ttl_max; expected ttl_min <= ttl <= ttl_max',
    })
    .prefault({}),
  /**
   * The encrypted secrets store (secrets/ beside the inventory, docs/secrets.md): the deploy identity every
   * secret is also encrypted to, so converge can decrypt it. @default no store: services get no credentials
   */
  secrets: z
    .strictObject({
      /** Public half of the deploy identity (kept as a CI secret); age takes ssh-ed25519 and ssh-rsa keys only. */
      deploy_key: ageSshKey,
    })
    .optional(),
  /** Automatic upgrades on every Debian VM (security updates are always on). */
  upgrades: z
    .strictObject({
      /** Also install point-release updates from the stable-updates suite. @default true */
      stable_updates: z.boolean().default(true),
      /** When VMs may reboot after an upgrade; a VM's own reboot_window wins. @default 04:00-06:00 */
      reboot_window: timeWindow.default('04:00-06:00'),
      /** Minutes between the reboots of two VMs of one anti-affinity group. @default 30 */
      reboot_spacing: z.number().int().min(5).max(240).default(30),
    })
    .prefault({}),
});

export type Org = z.infer<typeof orgSchema>;
