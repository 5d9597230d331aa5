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
  /** Static files the VM's own nginx serves on `port` for the web names (behind the proxies). */
  readonly root?: string;
  /** Largest request body the proxy passes (uploads, Git pushes), in MiB. @default 1 (nginx's own limit) */
  readonly maxBodyMiB?: number;
  /** Seconds the proxy waits for the application's answer (long polls, big uploads). @default 60 (nginx's) */
  readonly timeoutSeconds?: number;
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

/**
 * A name outside the instance's web names that other servers are sent to (by an SRV record or a
 * `.well-known` document) and that the proxies of its site must answer for: Matrix federation arrives at
 * the proxies with `Host: <server name>`.
 */
export interface Delegation {
  /** The delegated name (the Matrix server name), fully qualified. */
  readonly name: string;
  /** Path prefixes the proxies pass to the instance's VM, and the port they go to there. */
  readonly proxy: readonly { readonly path: string; readonly port: number }[];
  /** Fixed JSON documents the proxies answer themselves (`/.well-known/matrix/server`). */
  readonly documents: readonly { readonly path: string; readonly json: string }[];
}

/** A question a package asks when it is installed, answered beforehand through debconf. */
export interface DebconfAnswer {
  readonly package: string;
  readonly question: string;
  readonly type: 'string' | 'select' | 'boolean';
  readonly value: string;
}

/**
 * What a kind sets up on its VM beyond packages and units, on first boot and on every converge alike:
 * both renderers take it from here, so a service added to a running VM gets the same as a new VM.
 */
export interface KindSetup {
  readonly files?: readonly WriteFile[];
  /** Answers its packages need before they are installed. */
  readonly debconf?: readonly DebconfAnswer[];
  /** Groups it needs. */
  readonly groups?: readonly string[];
  /** System accounts it needs (the borg repository's owner, SFTP partners). */
  readonly users?: readonly {
    readonly name: string;
    readonly home: string;
    readonly shell: string;
    readonly groups?: readonly string[];
    readonly system?: true;
    readonly keys?: readonly string[];
  }[];
  /** Directories with their owner (`user:group`) and mode, made after the accounts. */
  readonly directories?: readonly { readonly path: string; readonly mode: string; readonly owner?: string }[];
  /** Commands run once after the packages, skipped while `creates` exists. */
  readonly once?: readonly {
    readonly name: string;
    readonly argv: readonly string[];
    readonly creates: string;
  }[];
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
  /** Collation and character classification the application requires (Synapse: C). @default the cluster's */
  readonly collation?: 'C';
  /** Extensions the application needs in its database (PeerTube: pg_trgm, unaccent). @default none */
  readonly extensions?: readonly string[];
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

/** A program that serves a certificate certbot keeps, and must get it again after each renewal. */
export type CertificateConsumer = 'nginx' | 'prosody' | 'postfix' | 'dovecot' | 'coturn' | 'mumble';

/** Instance parameters a kind accepts in vms.yaml (`{ kind: gitea, domain: ... }`). */
export type Param =
  'domain' | 'aliases' | 'list_domains' | 'server_name' | 'db' | 'primary' | 'partners' | 'dkim' | 'welcome';

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
  /** What runs the program when it is not executable itself (`/usr/bin/node --require tsx/cjs`). @default none */
  readonly interpreter?: string;
  /** Where it starts, inside /opt/<app>/current (Node resolves `--require` from there). @default dataDir */
  readonly workingDirectory?: string;
  /** A file of `NAME=value` lines the unit reads (settings with secrets, written by converge). @default none */
  readonly environmentFile?: string;
  /** More paths it writes besides its data (its configuration, when it rewrites it). @default none */
  readonly writable?: readonly string[];
}

/** How an application that ships as a container image runs: Podman under a systemd unit named after the kind. */
export interface ContainerApp {
  /** Where its state lives on the VM, and where that is mounted in the container (`/var/lib/drone:/data`). */
  readonly volumes: readonly { readonly host: string; readonly container: string }[];
  /** Directory of its environment file (`<dir>/<kind>.env`, 0600, written from the model and the store). */
  readonly configDir: string;
  /** It drives Podman itself (a CI runner): Podman's Docker-compatible socket is mounted as /var/run/docker.sock. */
  readonly engineSocket?: true;
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
  /**
   * It terminates TLS itself for its public names (`names`, else the VM's FQDN; a proxy for the web names it
   * serves): certbot keeps a certificate for each by ACME DNS-01, and these programs get it. @default none
   */
  readonly certificate?: { readonly consumers: readonly CertificateConsumer[] };
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
    /** Databases on the VM's own PostgreSQL, dumped as the postgres user over its socket. @default none */
    readonly localDatabases?: readonly string[];
    /** The VM holds the backups of the others: it is not backed up itself. */
    readonly none?: true;
  };
  /** Debian packages (from Debian's own archive). */
  readonly packages: readonly string[];
  /**
   * The Unix user the service runs as, which its Debian package (or Debian itself) provides: the owner of the
   * secret files converge writes for it (baseline/secret-files.ts). @default root
   */
  readonly user?: string;
  /** No package provides `user` (an upstream binary): the VM creates it as a system user. @default false */
  readonly createsUser?: true;
  /** systemd units the VM keeps enabled for it (the playbook enables them on running VMs). @default none */
  readonly units?: readonly string[];
  readonly upstream?: UpstreamRepo;
  /** Files, accounts, directories, debconf answers and one-off commands of this kind (both renderers). */
  readonly setup?: (ctx: InstanceContext) => KindSetup;
  /** Names other servers are sent to that the proxies must answer for (Matrix federation). */
  readonly delegations?: (ctx: InstanceContext) => readonly Delegation[];
  /** Not in Debian: runs from the upstream release pinned in inventory/releases.yaml (baseline/releases.ts). */
  readonly release?: ReleaseApp;
  /** Not in Debian: runs from the container image pinned by digest in releases.yaml (baseline/containers.ts). */
  readonly container?: ContainerApp;
  /** What sshd must allow for it: more login groups, TCP forwarding (a jump host). */
  readonly ssh?: { readonly groups?: readonly string[]; readonly forwarding?: true };
  /** Kinds that must exist somewhere in the organisation for this one to work. */
  readonly dependsOn: readonly string[];
  /** Not installable on Debian: the VM must be `os: other`. */
  readonly notDebian?: string;
  /**
   * The runbook that installs and maintains it by hand (a path under docs/), for what converge cannot do: the
   * check's message and the monitoring host name it. @default none
   */
  readonly runbook?: string;
  /** Runs containers (Podman): the VM's firewall must let forwarded container traffic through. */
  readonly containers?: true;
}

/** Identity function that makes TypeScript check a kind against the type where it is written. */
export function defineKind(kind: ServiceKind): ServiceKind {
  return kind;
}
