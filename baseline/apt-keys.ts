// The signing key of an upstream apt repository, trusted only when its fingerprint is the one the inventory
// pins (releases.yaml `repositories:`): downloaded aside, checked with gpg, then installed for apt.
import type { Command } from './parts.ts';

/** Where a downloaded key waits for its check; the pin is in the name, so a new pin downloads afresh. */
export const STAGED_KEYS = '/var/lib/infra-converge/apt-keys';

export interface KeyCheck {
  /** The catalog's repository id (`matrix-org`). */
  readonly id: string;
  /** The downloaded key, not yet trusted. */
  readonly staged: string;
  /** Where apt's `Signed-By` reads it. */
  readonly keyring: string;
  /** The pinned fingerprint (40 upper-case hex digits), or undefined when the inventory pins none. */
  readonly fingerprint?: string;
}

/** The staged path of a repository's key: `<dir>/<id>-<fingerprint>.<format>`. */
export function stagedKey(id: string, format: string, fingerprint: string | undefined): string {
  return `${STAGED_KEYS}/${id}-${fingerprint ?? 'unpinned'}.${format}`;
}

/**
 * A shell script that installs the staged key as the keyring only when the file holds exactly one primary
 * key and its fingerprint is the pinned one; otherwise it deletes the staged file, says why and fails, and
 * the keyring (what apt trusts) is never touched. Prints only when it installed the key.
 */
export function keyCheckScript(check: KeyCheck): string {
  if (!check.fingerprint)
    return `echo "refusing the key of ${check.id}: releases.yaml pins no fingerprint for it (repositories.${check.id}.fingerprint)" >&2; exit 1`;
  return [
    'set -eu',
    `new=${check.staged}; key=${check.keyring}; pin=${check.fingerprint}`,
    'home=$(mktemp -d); trap \'rm -rf "$home"\' EXIT',
    // The fingerprint of each primary key (the fpr line right after a pub line); subkeys do not count.
    'got=$(gpg --homedir "$home" --batch --show-keys --with-colons "$new" 2>/dev/null | awk -F: \'$1=="pub"{p=1;next} $1=="fpr"&&p{print $10;p=0}\' | tr "\\n" " " | sed "s/ $//")',
    'if [ "$got" != "$pin" ]; then',
    '  rm -f "$new"',
    `  echo "refusing the key of ${check.id}: its fingerprint is \${got:-unreadable}, releases.yaml pins $pin" >&2`,
    '  exit 1',
    'fi',
    'cmp -s "$new" "$key" && exit 0',
    'install -m 0644 "$new" "$key"',
    `echo "installed the signing key of ${check.id} ($pin)"`,
  ].join('\n');
}

/** First boot: download the key aside over HTTPS, then the same check. */
export function keyRuncmd(check: KeyCheck, url: string): Command[] {
  return [
    ['install', '-d', '-m', '0755', '/etc/apt/keyrings', STAGED_KEYS],
    ['curl', '--fail', '--silent', '--show-error', '--proto', '=https', '--output', check.staged, url],
    ['sh', '-c', keyCheckScript(check)],
  ];
}
