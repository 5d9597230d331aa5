// The member-keys login script reads its URL as a value, never runs its config file: checked with `sh -n`
// and by running it in a temporary directory against a stand-in curl that records what it was asked.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEMBER_KEYS_CONF, MEMBER_KEYS_SCRIPT, securityPart } from '../baseline/security.ts';
import { findingsOf, removeVariants, variantDir } from './helpers/variant.ts';

const work = mkdtempSync(join(tmpdir(), 'member-keys-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeVariants();
});

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH33+594P7UtwBu7C67bdC0PNyrYrWDQTSJ7isih8vGp alice';

/** Runs the script for `user` with `conf` as its config file; returns its output and the URL curl got. */
function run(
  name: string,
  conf: string,
  user: string,
): { status: number | null; stdout: string; url: string } {
  const dir = join(work, name);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'cache'), { recursive: true });
  const script = MEMBER_KEYS_SCRIPT.replaceAll(MEMBER_KEYS_CONF, join(dir, 'member-keys.conf')).replaceAll(
    '/var/cache/member-keys',
    join(dir, 'cache'),
  );
  writeFileSync(join(dir, 'member-keys'), script);
  writeFileSync(join(dir, 'member-keys.conf'), conf);
  // A stand-in curl: records its last argument (the URL), writes a key to --output, answers 200.
  writeFileSync(
    join(dir, 'bin', 'curl'),
    `#!/bin/sh\nout=''\nwhile [ $# -gt 1 ]; do [ "$1" = --output ] && out="$2"; shift; done\nprintf '%s' "$1" > '${join(dir, 'url')}'\nprintf '%s\\n' '${KEY}' > "$out"\nprintf 200\n`,
  );
  chmodSync(join(dir, 'bin', 'curl'), 0o755);
  const r = spawnSync('sh', [join(dir, 'member-keys'), user], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` },
  });
  const url = existsSync(join(dir, 'url')) ? readFileSync(join(dir, 'url'), 'utf8') : '';
  return { status: r.status, stdout: r.stdout, url };
}

describe('member-keys', () => {
  it('passes sh -n', () => {
    const path = join(work, 'syntax.sh');
    writeFileSync(path, MEMBER_KEYS_SCRIPT);
    expect(spawnSync('sh', ['-n', path]).status).toBe(0);
  });

  it('fetches the accepted URL literally, with the user filled in, from the config file the baseline writes', () => {
    const keysUrl = 'https://id.example.org/ssh/{user}.keys?a=1&b=2#x,y=[z]';
    const { result } = findingsOf(
      variantDir([{ file: 'org.yaml', path: ['ssh', 'keys_url'], value: keysUrl }]),
    );
    expect(result.errors).toEqual([]);
    const inventory = result.inventory!;
    const conf = securityPart(inventory, inventory.vms[0]!).files?.find(
      (f) => f.path === MEMBER_KEYS_CONF,
    )?.content;
    expect(conf).toBeDefined();
    const r = run('accepted', conf ?? '', 'alice');
    expect(r.status).toBe(0);
    expect(r.url).toBe('https://id.example.org/ssh/alice.keys?a=1&b=2#x,y=[z]');
    expect(r.stdout).toBe(`${KEY}\n`);
  });

  it('runs nothing that the config file holds, even text the grammar would refuse', () => {
    const conf = "KEYS_URL='https://id.example.org/{user}'; touch PWNED; echo '\nKEYS_URL=$(touch PWNED2)\n";
    const r = run('hostile', conf, 'alice');
    expect(existsSync(join(work, 'hostile', 'PWNED'))).toBe(false);
    expect(existsSync(join(work, 'hostile', 'PWNED2'))).toBe(false);
    expect(r.url).toBe("'https://id.example.org/alice'; touch PWNED; echo '");
  });
});
