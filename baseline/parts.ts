// A part of the baseline: the packages, users, files, services and commands one concern adds to a VM.
import type { DebconfAnswer, WriteFile } from '../services/types.ts';
import type { ReleaseInstall } from './releases.ts';
import type { SecretFile } from './secret-files.ts';

export interface CloudUser {
  readonly name: string;
  readonly gecos?: string;
  readonly groups?: readonly string[];
  readonly shell: string;
  readonly homedir?: string;
  readonly system?: boolean;
  readonly sudo?: string;
  readonly lock_passwd: true;
  readonly ssh_authorized_keys?: readonly string[];
}

export type Command = readonly string[];

/**
 * What a running VM must do after a file changed: the handler the playbook notifies. Each has a fixed
 * meaning in baseline/ansible.ts; cloud-init needs none (its runcmd starts everything at first boot).
 */
export type Reload =
  | 'reload ssh'
  | 'reload nftables'
  | 'restart journald'
  | 'reload systemd'
  | 'restart fail2ban'
  | 'reload nginx'
  | 'reload postgresql'
  | 'restart postgresql'
  | 'reload knot'
  | 'reload prosody'
  | 'reload postfix'
  | 'restart dovecot'
  | 'reload rspamd'
  | 'restart nullmailer'
  | 'restart mailman3'
  | 'restart mailman3-web'
  | 'restart coturn'
  | 'restart mumble-server'
  | 'restart icinga2'
  | 'refresh apt lists'
  /** Restarts the unit of an application installed from a release (baseline/releases.ts). */
  | ReleaseRestart;

/** The handler of an application installed from a release: `restart release gitea`. */
export type ReleaseRestart = `restart release ${string}`;

/** A file of the VM: what cloud-init writes at first boot and the playbook keeps in place afterwards. */
export interface VmFile extends WriteFile {
  /** Handler the playbook notifies when the file changed. */
  readonly reload?: Reload;
  /** Command that checks the new file before it replaces the old one (`%s` is the new file). */
  readonly validate?: string;
  /**
   * The content reads secrets from the store (`secretRef`): only the playbook writes it, as a template, with
   * `no_log`; cloud-init never sees it. Everything else in such a file must come from grammar-checked names.
   */
  readonly secret?: true;
}

/**
 * Where a secret's value goes in a `secret` file: converge hands the decrypted store to Ansible as the
 * variable `secrets`, keyed `<scope>/<name>` (e.g. `vm/proxy1/acme-tsig`).
 */
export function secretRef(name: string): string {
  return `{{ secrets['${name}'] }}`;
}

/** A directory the VM needs with a given owner and mode (a cache, a status directory). */
export interface VmDirectory {
  readonly path: string;
  readonly mode: string;
  readonly owner?: string;
}

/** A command that makes something once (a key, a passphrase) and is skipped while `creates` exists. */
export interface OnceCommand {
  readonly name: string;
  readonly argv: Command;
  readonly creates: string;
}

/**
 * A command the playbook runs on every converge (a PostgreSQL role that must exist). It prints nothing when
 * everything was in place already, and otherwise what it changed: that is how the run reports a change.
 */
export interface ConvergeCommand {
  readonly name: string;
  readonly argv: Command;
  /** Text fed to its standard input (a psql script), never read as a template. */
  readonly stdin?: string;
  /**
   * Environment variables set from the secrets store, by variable: the key (`<scope>/<name>`, or
   * `<scope>/<name>.scram` for its SCRAM verifier) in the `secrets` dict converge hands to Ansible. The task
   * then runs with no_log, so neither the values nor the command's output reach a log. @default none
   */
  readonly secretEnv?: Readonly<Record<string, string>>;
}

/** An upstream apt repository: its sources file (one of the part's files), the key it is signed with, its packages. */
export interface AptRepository {
  readonly sources: string;
  readonly keyring: string;
  /** Where the project publishes the key (HTTPS); downloaded aside once per pinned fingerprint. */
  readonly keyUrl: string;
  /** The downloaded key before its check (apt-keys.ts). */
  readonly staged: string;
  /** The repository id (`matrix-org`), for messages. */
  readonly id: string;
  /** The fingerprint releases.yaml pins; undefined: the key is refused. */
  readonly fingerprint?: string;
  readonly packages: readonly string[];
}

export interface Part {
  /** What the part is for, listed in the header comment of the cloud-config. */
  readonly name: string;
  readonly packages?: readonly string[];
  readonly groups?: readonly string[];
  readonly users?: readonly CloudUser[];
  readonly files?: readonly VmFile[];
  /** Commands for the end of first boot, after every package is installed; run in part order. */
  readonly runcmd?: readonly Command[];
  /** systemd units that must be enabled and running (the playbook enables and starts them; at first boot, runcmd does). */
  readonly services?: readonly string[];
  /**
   * Units the playbook enables but leaves to systemd to start: they run only where their condition holds
   * (chrony needs the right to set the clock, the guest agent its virtio port), so a start would fail there
   * or report a change on every run.
   */
  readonly enabledOnly?: readonly string[];
  readonly directories?: readonly VmDirectory[];
  /** What the playbook makes once; at first boot runcmd makes the same things. */
  readonly once?: readonly OnceCommand[];
  /** Upstream apt repositories, set up before their packages are installed. */
  readonly repositories?: readonly AptRepository[];
  /** Answers to the questions of packages, given before any package is installed (runcmd gives them too). */
  readonly debconf?: readonly DebconfAnswer[];
  /** Commands the playbook runs on every converge, after the files (only in convergeOnly parts). */
  readonly commands?: readonly ConvergeCommand[];
  /** Files whose content is a secret from the store: only the playbook writes them, with no_log. */
  readonly secretFiles?: readonly SecretFile[];
  /** Upstream releases to install (only in convergeOnly parts): baseline/releases.ts. */
  readonly releases?: readonly ReleaseInstall[];
  /**
   * Only the playbook renders this part: it needs what exists only after first boot (certificates for
   * nginx), or cloud-init has a module of its own for it (chrony through `ntp:`).
   */
  readonly convergeOnly?: true;
}

/** One word for the shell, whatever the text holds. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A shell one-liner as a runcmd entry (for redirections and `||`). */
export function sh(script: string): Command {
  return ['sh', '-c', script];
}

export const GENERATED_NOTE =
  'Generated from the inventory by baseline/ (infra repository); local edits are overwritten.';

/** A file with a first-line comment saying where it comes from, in the comment syntax of its format. */
export function generated(comment: '#' | '//' | '--', text: string): string {
  return `${comment} ${GENERATED_NOTE}\n${text}`;
}
