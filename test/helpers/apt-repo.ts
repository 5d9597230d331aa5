// Throwaway OpenPGP signing keys and a signed flat apt repository of one tiny package, made by Debian's own
// gpg, dpkg-deb and apt-ftparchive, for the tests of how upstream repositories and their keys are trusted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKey {
  /** The GnuPG home that holds the secret key. */
  readonly home: string;
  readonly fingerprint: string;
}

/** A new Ed25519 signing key without a passphrase in its own GnuPG home under `dir`. */
export function throwawaySigningKey(dir: string, name: string): SigningKey {
  const home = join(dir, `gnupg-${name}`);
  mkdirSync(home, { mode: 0o700 });
  const gpg = (...args: string[]): string =>
    execFileSync('gpg', ['--homedir', home, '--batch', ...args], { encoding: 'utf8', stdio: 'pipe' });
  gpg('--passphrase', '', '--quick-gen-key', `${name} <${name}@repo.test>`, 'ed25519', 'sign', 'never');
  const fpr = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys'));
  if (!fpr) throw new Error(`gpg made no key for ${name}`);
  return { home, fingerprint: fpr[1]! };
}

/** The public key, ASCII-armored as upstreams publish it (`.asc`). */
export function exportKey(key: SigningKey): string {
  return execFileSync('gpg', ['--homedir', key.home, '--batch', '--armor', '--export', key.fingerprint], {
    encoding: 'utf8',
  });
}

/**
 * A flat repository (`Suites: ./`, as Collabora's) in `dir` holding package `name`, its Release signed by
 * `key` as InRelease. `shell` runs a script in the repository's directory with dpkg-deb and apt-ftparchive
 * (apt-utils) at hand: on the machine, or inside a root that has them.
 */
export function signedFlatRepository(
  dir: string,
  name: string,
  key: SigningKey,
  shell: (script: string) => void,
): void {
  const pkg = join(dir, 'build', name);
  mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
  mkdirSync(join(pkg, 'usr/share', name), { recursive: true });
  writeFileSync(
    join(pkg, 'DEBIAN/control'),
    `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: Tests <tests@repo.test>\nDescription: probe of the upstream repository tests\n`,
  );
  writeFileSync(join(pkg, 'usr/share', name, 'installed'), 'from the signed test repository\n');
  shell(
    [
      `dpkg-deb --root-owner-group --build build/${name} ${name}_1.0_all.deb >/dev/null`,
      'apt-ftparchive packages . > Packages',
      'apt-ftparchive release . > Release',
    ].join(' && '),
  );
  execFileSync('gpg', [
    '--homedir',
    key.home,
    '--batch',
    '--yes',
    '--local-user',
    key.fingerprint,
    '--clearsign',
    '--output',
    join(dir, 'InRelease'),
    join(dir, 'Release'),
  ]);
}
