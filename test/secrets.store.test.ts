// The secrets store end to end with the real age and ssh-keygen: generate encrypts every needed secret to its
// scope's readers and the deploy identity, a reader decrypts and a non-reader cannot, check names the fixing
// command, and after offboard + rekey the leaver opens nothing and the rotate list is exactly what they could read.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedKeys } from '../members/secrets-store.ts';
import { secretNeeds, secretKey } from '../model/secret-needs.ts';
import { deriveModel } from '../model/derive.ts';
import { validInventory } from './helpers/inventories.ts';
import { command, type SecretsOrg, secretsOrg, tryDecrypt } from './helpers/secrets-org.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const work = mkdtempSync(join(tmpdir(), 'secrets-store-'));
let org: SecretsOrg;
const file = (key: string): string => join(org.store, `${key}.age`);

beforeAll(() => {
  org = secretsOrg(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the secrets store', () => {
  it('check reports every needed secret as missing, naming the command that fixes it', () => {
    const check = command('check', ['--inventory', org.inventory]);
    expect(check.status).toBe(1);
    expect(check.output).toContain(
      'service/gitea-git/db-password  is needed but not in the store; run npm run secrets -- generate',
    );
  });

  it('generate makes exactly the needed secrets, and check then passes', () => {
    const generated = command('secrets', ['generate', '--inventory', org.inventory]);
    expect(generated.status, generated.output).toBe(0);
    const needs = secretNeeds(deriveModel(validInventory(org.inventory))).map(secretKey);
    expect(storedKeys(org.store)).toEqual(needs);
    expect(needs).toEqual(
      expect.arrayContaining([
        'service/gitea-git/db-password',
        'service/gitea-git/secret-key',
        'vm/proxy1/acme-tsig',
        'vm/chat/acme-tsig',
        'vm/chat/borg-passphrase',
      ]),
    );
    for (const key of needs)
      expect(readFileSync(file(key), 'utf8')).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/);
    const check = command('check', ['--inventory', org.inventory]);
    expect(check.status, check.output).toBe(0);
    // A second generate makes nothing: existing values are kept.
    expect(command('secrets', ['generate', '--inventory', org.inventory]).output).toContain(
      '0 secrets generated',
    );
  });

  it('a member whose role grants the scope decrypts it; one without cannot; the deploy key opens all', () => {
    const gitea = file('service/gitea-git/secret-key');
    const chat = file('vm/chat/acme-tsig');
    expect(tryDecrypt(gitea, org.keys.bob)).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(tryDecrypt(gitea, org.keys.cy)).toBeUndefined();
    expect(Buffer.from(tryDecrypt(chat, org.keys.cy)!, 'base64')).toHaveLength(32);
    expect(tryDecrypt(chat, org.keys.bob)).toBeUndefined();
    for (const key of storedKeys(org.store)) {
      expect(tryDecrypt(file(key), org.keys.deploy), key).toBeDefined();
      expect(tryDecrypt(file(key), org.keys.ada), key).toBeDefined();
    }
  });

  it('list shows keys, states and readers, never a value', () => {
    const list = command('secrets', ['list', '--inventory', org.inventory]);
    expect(list.status).toBe(0);
    expect(list.output).toMatch(
      /service\/gitea-git\/secret-key\s+ok\s+gitea on git; readers: deploy, ada, dan, bob\n/,
    );
    for (const key of storedKeys(org.store)) {
      const value = tryDecrypt(file(key), org.keys.deploy)!;
      expect(list.output.includes(value.trim()), key).toBe(false);
    }
  });

  it('check says when a file is not encrypted to the deploy identity', () => {
    const key = 'vm/chat/acme-tsig';
    const before = readFileSync(file(key), 'utf8');
    const cyOnly = join(work, 'cy-only.age');
    const age = command('secrets', ['show', key, '--inventory', org.inventory, '--identity', org.keys.cy]);
    expect(age.status).toBe(0);
    // Re-encrypted by hand to cy alone, as a careless edit would.
    spawnSync('age', ['-a', '-r', readFileSync(`${org.keys.cy}.pub`, 'utf8').trim(), '-o', cyOnly], {
      input: age.output,
    });
    writeFileSync(file(key), readFileSync(cyOnly));
    const check = command('check', ['--inventory', org.inventory]);
    expect(check.status).toBe(1);
    expect(check.output).toContain(`${key}  is not encrypted to the deploy identity`);
    expect(check.output).toContain('run npm run secrets -- rekey');
    writeFileSync(file(key), before);
  });

  it('after offboard and rekey the leaver opens nothing, and the rotate list is exactly what they could read', () => {
    const couldRead = storedKeys(org.store).filter(
      (key) => tryDecrypt(file(key), org.keys.bob) !== undefined,
    );
    expect(couldRead.length).toBeGreaterThan(0);
    const off = command('offboard', ['--user', 'bob', '--inventory', org.inventory], {
      SECRETS_IDENTITY: org.keys.deploy,
    });
    expect(off.status, off.output).toBe(0);
    expect(off.output).toContain('secret service/gitea-git/secret-key: -bob');
    expect(off.output).toContain(`rekeyed ${couldRead.length} secrets without bob`);
    const rotate = [...off.output.matchAll(/^rotate (\S+)$/gm)].map((m) => m[1]);
    expect(rotate).toEqual(couldRead);
    for (const key of storedKeys(org.store)) expect(tryDecrypt(file(key), org.keys.bob), key).toBeUndefined();
    // Everyone else still reads what they read before, and check is green again.
    expect(tryDecrypt(file('service/gitea-git/secret-key'), org.keys.ada)).toBeDefined();
    expect(command('check', ['--inventory', org.inventory]).status).toBe(0);
  });

  it('onboard names the secrets a newcomer will read; check asks for a rekey, after which they read them', () => {
    const key = throwawayKey(join(work, 'keys'), 'eve', 'eve@test');
    const on = command('onboard', [
      ...['--user', 'eve', '--name', 'Eve Tester', '--email', 'eve@test.example.org'],
      ...['--key', `${key}.pub`, '--role', 'chat', '--sponsor', 'ada', '--inventory', org.inventory],
    ]);
    expect(on.status, on.output).toBe(0);
    expect(on.output).toContain('secret vm/chat/acme-tsig: +eve');
    expect(on.output).not.toContain('secret service/gitea-git');
    const check = command('check', ['--inventory', org.inventory]);
    expect(check.status).toBe(0);
    expect(check.output).toContain(
      'vm/chat/acme-tsig  warning: is encrypted to other recipients than roles.yaml grants today; run npm run secrets -- rekey',
    );
    expect(tryDecrypt(file('vm/chat/acme-tsig'), key)).toBeUndefined();
    const rekeyed = command('secrets', ['rekey', '--inventory', org.inventory, '--identity', org.keys.cy]);
    expect(rekeyed.status, rekeyed.output).toBe(0);
    expect(tryDecrypt(file('vm/chat/acme-tsig'), key)).toBeDefined();
    expect(tryDecrypt(file('service/gitea-git/secret-key'), key)).toBeUndefined();
  });
});
