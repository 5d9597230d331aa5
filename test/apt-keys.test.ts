// The check that decides whether an upstream repository's signing key is trusted (baseline/apt-keys.ts), run
// with the machine's real gpg on throwaway keys: only the pinned fingerprint is installed for apt, a wrong or
// extra key is refused before the keyring is touched, and a second run changes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCheckScript, type KeyCheck } from '../baseline/apt-keys.ts';
import { exportKey, type SigningKey, throwawaySigningKey } from './helpers/apt-repo.ts';

const UNAVAILABLE = spawnSync('sh', ['-c', 'command -v gpg']).status === 0 ? undefined : 'gpg is missing';
if (UNAVAILABLE) console.warn(`skipping the apt key check tests: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'apt-keys-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** Stages `text` as a downloaded key and runs the check against `pin`. */
function check(text: string, pin: string | undefined): KeyCheck & { status: number; output: string } {
  n += 1;
  const c = { id: 'probe', staged: join(work, `staged-${n}.asc`), keyring: join(work, `keyring-${n}.asc`) };
  const withPin = pin === undefined ? c : { ...c, fingerprint: pin };
  writeFileSync(c.staged, text);
  const run = spawnSync('sh', ['-c', keyCheckScript(withPin)], { encoding: 'utf8' });
  return { ...withPin, status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(UNAVAILABLE)('trusting an upstream signing key by its pinned fingerprint', () => {
  let right: SigningKey;
  let other: SigningKey;
  beforeAll(() => {
    right = throwawaySigningKey(work, 'upstream');
    other = throwawaySigningKey(work, 'intruder');
  });

  it('installs a key whose fingerprint is the pinned one, and says so', () => {
    const run = check(exportKey(right), right.fingerprint);
    expect(run.status, run.output).toBe(0);
    expect(run.output.trim()).toBe(`installed the signing key of probe (${right.fingerprint})`);
    expect(readFileSync(run.keyring, 'utf8')).toBe(exportKey(right));
    // Again with the same staged key: nothing to do, nothing printed (the playbook reports no change).
    const again = spawnSync('sh', ['-c', keyCheckScript(run)], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(`${again.stdout}${again.stderr}`).toBe('');
  });

  it('refuses a key with another fingerprint before the keyring exists, and forgets the download', () => {
    const run = check(exportKey(other), right.fingerprint);
    expect(run.status).toBe(1);
    expect(run.output).toContain(
      `refusing the key of probe: its fingerprint is ${other.fingerprint}, releases.yaml pins ${right.fingerprint}`,
    );
    expect(existsSync(run.keyring)).toBe(false);
    expect(existsSync(run.staged)).toBe(false);
  });

  it('refuses a file that holds the pinned key together with another one', () => {
    const run = check(exportKey(right) + exportKey(other), right.fingerprint);
    expect(run.status).toBe(1);
    expect(existsSync(run.keyring)).toBe(false);
  });

  it('refuses what is not a key at all, and any key when nothing is pinned', () => {
    const garbage = check('<html>moved</html>\n', right.fingerprint);
    expect(garbage.status).toBe(1);
    expect(garbage.output).toContain('its fingerprint is unreadable');
    const unpinned = check(exportKey(right), undefined);
    expect(unpinned.status).toBe(1);
    expect(unpinned.output).toContain('releases.yaml pins no fingerprint for it');
    expect(existsSync(unpinned.keyring)).toBe(false);
  });
});
