// Throwaway Ed25519 key pairs made by the real ssh-keygen, for tests that log in, sign commits or onboard.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Writes `dir/name` (no passphrase) and `dir/name.pub`; returns the private key's path. */
export function throwawayKey(dir: string, name: string, comment = `${name}@laptop`): string {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return path;
}
