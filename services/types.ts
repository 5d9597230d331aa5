// The one shape every service kind of the catalog has: ports, names, checks, backups, packages, dependencies.
import type { PortRange } from '../inventory/ports.ts';

export type Proto = 'tcp' | 'udp';

/**
 * Who may connect to a port. Everything but `public` is internal, and the sources are derived from the
 * inventory, so the firewall opens a port to exactly the machines that need it.
 */
export type Reach =
  /** Anyone on the Internet. */
  | 'public'
  /** The reverse proxies of the VM's site: the service sits behind them. */
  | 'proxy'
  /** The VMs running a service that depends on this one (and, for PostgreSQL, chose this VM). */
  | 'dependents'
  /** The backup clients: `backup.sources` in org.yaml. */
  | 'backup'
  /** Every network of the organisation (networks.yaml). */
  | 'org'
  /** The VMs running one of these kinds (in the same site when there are any, else anywhere). */
  | { readonly kinds: readonly string[] };

export interface PortSpec {
  readonly proto: Proto;
  /** One port, or an inclusive range: `portRange(443)`, `portRange(16384, 32768)`. */
  readonly port: PortRange;
  readonly reach: Reach;
  /** Must be reachable over IPv4 as well (IPv4-only clients or peers): the VM needs a public IPv4. */
  readonly ipv4?: boolean;
  /** This is the system's own sshd (port 22) opened wider, not a second daemon. */
  readonly sshd?: boolean;
  /** Why the port is open, as the firewall rule's comment says it. */
  readonly purpose: string;
}

/** An HTTP application reached by browsers over HTTPS. */
export interface WebSpec {
  /** Where the application (or its local web server) listens on the VM. */
  readonly port: number;
  /**
   * Who terminates TLS: `proxy`, the nginx reverse proxies of the site (the usual case), or `self`,
   * the service's own web server with its own certificate (it needs its own public address).
   */
  readonly tls: 'proxy' | 'self';
  /** Path whose answer says the application works, and text the answer must contain. */
  readonly health: { readonly path: string; readonly expect?: string };
  /** The proxy must pass WebSocket upgrades. */
  readonly websockets?: boolean;
  /**
   * First label of the public name when vms.yaml gives no `domain` (`git` makes git.example.org); a
   * proxied name cannot be the VM's own FQDN, which points at the VM. @default the VM's FQDN
   */
  readonly defaultName?: string;
}

export type DnsType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'SRV' | 'TXT';

export interface DnsRecord {
  /** Fully qualified, without the trailing dot. */
  readonly name: string;
  readonly type: DnsType;
  /** In zone-file form: `10 mail.example.org` (MX), `10 0 5222 xmpp.example.org` (SRV), the text (TXT). */
  readonly value: string;
  /** Which service instance wants it, e.g. `prosody on xmpp`. */
  readonly for: string;
}

/** A check beyond the generic ones (web health, TLS expiry and port checks are derived for every kind). */
export type ExtraCheck =
  /** A monitoring plugin run on the VM itself over SSH. */
  | { readonly type: 'local'; readonly name: string; readonly command: readonly string[] }
  /** Certificate expiry on a non-HTTP TLS port, directly or after STARTTLS. */
  | {
      readonly type: 'tls';
      readonly name: string;
      /** The name the certificate must be valid for. */
      readonly host: string;
      readonly port: number;
      readonly starttls?: 'smtp' | 'xmpp';
    }
  /** An authoritative answer for a name, asked of this VM. */
  | {
      readonly type: 'dns';
      readonly name: string;
      readonly lookup: string;
      readonly record: 'SOA' | 'NS' | 'A';
    }
  /** An SMTP banner and STARTTLS on a port. */
  | { readonly type: 'smtp'; readonly name: string; readonly port: number };

/** A PostgreSQL database the service keeps its data in; borgmatic dumps it with the service's files. */
export interface DatabaseSpec {
  readonly name: string;
  readonly user: string;
}

/** A Debian repository of the upstream project, for software Debian does not ship. */
export interface UpstreamRepo {
  /** File name under /etc/apt/sources.list.d and /etc/apt/keyrings. */
  readonly id: string;
  readonly uri: string;
  /** `{codename}` becomes bookworm or trixie. */
  readonly suite: string;
  readonly components: readonly string[];
  /** Where the project publishes its signing key (fetched over HTTPS at first boot). */
  readonly keyUrl: string;
  /** `asc` for an ASCII-armoured key, `gpg` for a binary keyring. */
  readonly keyFormat: 'asc' | 'gpg';
  readonly packages: readonly string[];
}

/** What a kind's functions get to know about one instance before its names are known. */
export interface NameContext {
  /** The VM's FQDN. */
  readonly fqdn: string;
  readonly vm: string;
  /** The organisation's domain. */
  readonly domain: string;
  /** The instance parameters from vms.yaml. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** What a kind's functions get to know about one instance. */
export interface InstanceContext extends NameContext {
  /** The web names (HTTPS) the instance answers on. */
  readonly webNames: readonly string[];
  /** Its other public names, each checked for TLS by the kind's own checks (XMPP domain, MX target). */
  readonly names: readonly string[];
}

export interface WriteFile {
  readonly path: string;
  readonly content: string;
  readonly permissions?: string;
  readonly owner?: string;
  /** Write after packages are installed (the file belongs to a package's configuration). */
  readonly defer?: boolean;
}

/** Instance parameters a kind accepts in vms.yaml (`{ kind: gitea, domain: ... }`). */
export type Param = 'domain' | 'aliases' | 'list_domains' | 'server_name' | 'db' | 'primary';

/** How an application installed from an upstream release runs: its user, its data, its program in the release. */
export interface ReleaseApp {
  /** The system user it runs as, owner of its data. */
  readonly user: string;
  /** Where it keeps its state: the only path its unit may write. */
  readonly dataDir: string;
  /** The program inside /opt/<app>/<version>: the binary's new name, or a path in the unpacked archive. */
  readonly program: string;
  /** Arguments after the program. */
  readonly args: readonly string[];
  /** Environment of the unit, `NAME=value`. */
  readonly environment?: readonly string[];
}

export interface ServiceKind {
  /** Name used in vms.yaml. */
  readonly kind: string;
  /** What it is, in a few words. */
  readonly title: string;
  /** Where the software comes from when Debian does not ship it, and other things a maintainer must know. */
  readonly notes?: string;
  /** Default VM size for a new instance. */
  readonly size: { readonly cores: number; readonly memory: number; readonly disk: number };
  readonly ports: readonly PortSpec[];
  readonly web?: WebSpec;
  /** Parameters it accepts. For a web kind, `domain` and `aliases` are its web names (default: the VM's FQDN). */
  readonly params: readonly Param[];
  /** Public names other than web names: XMPP domain, MX target, TURN host. */
  readonly names?: (ctx: NameContext) => readonly string[];
  /** Domains whose mail the instance sends to the Internet itself: their SPF must authorise the VM. */
  readonly sendsMailFor?: (ctx: InstanceContext) => readonly string[];
  /** DNS records beyond the A/AAAA of its web names: SRV, MX, TXT, NS. */
  readonly dns?: (ctx: InstanceContext) => readonly Omit<DnsRecord, 'for'>[];
  readonly checks?: (ctx: InstanceContext) => readonly ExtraCheck[];
  readonly backup: {
    /** Directories borgmatic saves. */
    readonly paths: readonly string[];
    /** Its PostgreSQL databases, dumped from the database VM it uses. */
    readonly databases?: readonly DatabaseSpec[];
    /** The VM holds the backups of the others: it is not backed up itself. */
    readonly none?: true;
  };
  /** Debian packages (from Debian's own archive). */
  readonly packages: readonly string[];
  /** systemd units the VM keeps enabled for it (the playbook enables them on running VMs). @default none */
  readonly units?: readonly string[];
  readonly upstream?: UpstreamRepo;
  /** Not in Debian: runs from the upstream release pinned in inventory/releases.yaml (baseline/releases.ts). */
  readonly release?: ReleaseApp;
  /** Files and commands cloud-init adds for this kind. */
  readonly cloudInit?: (ctx: InstanceContext) => {
    readonly files?: readonly WriteFile[];
    /** Commands run before the upstream packages are installed (debconf answers). */
    readonly before?: readonly (readonly string[])[];
    /** Commands run after every package is installed. */
    readonly runcmd?: readonly (readonly string[])[];
  };
  /** What sshd must allow for it: more login groups, TCP forwarding (a jump host). */
  readonly ssh?: { readonly groups?: readonly string[]; readonly forwarding?: true };
  /** Kinds that must exist somewhere in the organisation for this one to work. */
  readonly dependsOn: readonly string[];
  /** Not installable on Debian: the VM must be `os: other`. */
  readonly notDebian?: string;
  /** Runs containers (Docker): the VM's firewall must let forwarded container traffic through. */
  readonly containers?: true;
}

/** Identity function that makes TypeScript check a kind against the type where it is written. */
export function defineKind(kind: ServiceKind): ServiceKind {
  return kind;
}
