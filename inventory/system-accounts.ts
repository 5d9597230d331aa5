// The accounts and groups Debian and the services' packages create on a VM, which no person may be named after.
//
// Sources: Debian's base-passwd (/usr/share/base-passwd/passwd.master and group.master, bookworm; a test
// compares them with the machine's), the accounts a minimal bookworm VM gets from systemd, OpenSSH, D-Bus,
// chrony and cloud-init, the ones the postinst scripts of the service catalog's packages create (services/kinds/),
// and the ones this repository's baseline and services create themselves.

/** Debian's base-passwd: the static users (passwd.master). */
const BASE_PASSWD_USERS = [
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy',
  'www-data', 'backup', 'list', 'irc', '_apt', 'nobody',
] as const; // prettier-ignore

/** Debian's base-passwd: the static groups (group.master) that are not also users. */
const BASE_PASSWD_GROUPS = [
  'adm', 'tty', 'disk', 'kmem', 'dialout', 'fax', 'voice', 'cdrom', 'floppy', 'tape', 'sudo', 'audio',
  'dip', 'operator', 'src', 'shadow', 'utmp', 'video', 'sasl', 'plugdev', 'staff', 'users', 'nogroup',
] as const; // prettier-ignore

/** Accounts of a bookworm VM's own packages (systemd, openssh-server, dbus, chrony, cloud-init's default user). */
const DEBIAN_SYSTEM = [
  'systemd-network', 'systemd-resolve', 'systemd-timesync', 'systemd-journal', 'systemd-coredump',
  'messagebus', 'sshd', '_chrony', 'tss', 'polkitd', 'input', 'kvm', 'render', 'netdev', 'crontab',
  'ssl-cert', 'debian', 'uuidd', '_rpc', 'statd',
] as const; // prettier-ignore

/** Accounts the service catalog's Debian and upstream packages create, by package. */
const SERVICE_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  postgresql: ['postgres'],
  prosody: ['prosody'],
  coturn: ['turnserver'],
  'mumble-server': ['mumble-server'],
  'redis-server': ['redis'],
  postfix: ['postfix', 'postdrop'],
  'dovecot-core': ['dovecot', 'dovenull'],
  rspamd: ['_rspamd'],
  'apt-cacher-ng': ['apt-cacher-ng'],
  knot: ['knot'],
  'docker.io': ['docker'],
  'matrix-synapse-py3': ['matrix-synapse'],
  'mailman3-full': ['list'],
  coolwsd: ['cool'],
  icinga2: ['nagios', 'icingaweb2'],
  'jitsi-videobridge2': ['jvb'],
  jicofo: ['jicofo'],
  bigbluebutton: ['bigbluebutton', 'freeswitch', 'etherpad', 'meteor'],
  'drone-runner-exec': ['drone'],
  peertube: ['peertube'],
  gitea: ['git', 'gitea'],
  nginx: ['www-data'],
};

/** Accounts and groups this repository's baseline and services create (baseline/, services/kinds/). */
const OUR_ACCOUNTS = ['borg', 'member-keys', 'members', 'sftp-drop'] as const;

/** Every account or group name a person's login must not take, with where it comes from. */
export const SYSTEM_ACCOUNTS: ReadonlyMap<string, string> = firstWins([
  ...BASE_PASSWD_USERS.map((n) => [n, 'a Debian system account (base-passwd)'] as const),
  ...BASE_PASSWD_GROUPS.map((n) => [n, 'a Debian system group (base-passwd)'] as const),
  ...DEBIAN_SYSTEM.map((n) => [n, 'an account of every Debian VM'] as const),
  ...Object.entries(SERVICE_PACKAGES).flatMap(([pkg, names]) =>
    names.map((n) => [n, `the account the ${pkg} package creates`] as const),
  ),
  ...OUR_ACCOUNTS.map((n) => [n, 'an account or group the baseline creates'] as const),
]);

/** The most basic source names an account: base-passwd's `www-data` is not nginx's. */
function firstWins(entries: readonly (readonly [string, string])[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, what] of entries) if (!map.has(name)) map.set(name, what);
  return map;
}

/** The names of base-passwd's users and groups, for the test that compares them with the machine's. */
export const BASE_PASSWD: readonly string[] = [...BASE_PASSWD_USERS, ...BASE_PASSWD_GROUPS];
