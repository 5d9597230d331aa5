// Borg with a secrets store, on the fixture: the repository VM's authorized_keys from the public halves in
// the inventory, the clients' borgmatic reading the store's files and making their repository at converge, the
// old made-on-the-VM way without a store; located errors for a bad public key file and an unpinned apt key.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { borgRepoPart, repositoryPathOnServer } from '../baseline/borg.ts';
import { BORGMATIC_CONFIG } from '../baseline/backup.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { backupKeyFile } from '../inventory/backup-keys.ts';
import { freshValue, publicHalf } from '../members/secrets-store.ts';
import { loadInventory } from '../model/load.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { FIXTURE, fixtureInventory, validInventory, vmNamed } from './helpers/inventories.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const work = mkdtempSync(join(tmpdir(), 'backup-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The fixture with a store, and the public halves of `clients`' borg keys in it; returns the keys. */
function withStore(name: string, clients: readonly string[]): { dir: string; keys: Map<string, string> } {
  const dir = join(work, name, 'org');
  cpSync(FIXTURE, dir, { recursive: true });
  mkdirSync(join(work, name, 'keys'));
  const deploy = throwawayKey(join(work, name, 'keys'), 'deploy');
  appendFileSync(join(dir, 'org.yaml'), `\nsecrets:\n  deploy_key: ${readFileSync(`${deploy}.pub`, 'utf8')}`);
  const keys = new Map<string, string>();
  for (const vm of clients) {
    const key = throwawayKey(join(work, name, 'keys'), vm, `borgmatic@${vm}`);
    const pub = join(dir, backupKeyFile(vm));
    mkdirSync(join(pub, '..'), { recursive: true });
    cpSync(`${key}.pub`, pub);
    keys.set(vm, readFileSync(`${key}.pub`, 'utf8').trim());
  }
  return { dir, keys };
}

const taskNames = (model: Model, vm: string): string[] => {
  const m = convergeModel(model, vmNamed(model.inventory, vm));
  return [...m.once.map((o) => o.name), ...m.commands.map((c) => c.name)];
};

describe('borg with a secrets store', () => {
  const { dir, keys } = withStore('store', ['jump', 'git']);
  const model = deriveModel(validInventory(dir));

  it('lets each client key run only an append-only borg serve in its own repository', () => {
    const file = borgRepoPart(model, vmNamed(model.inventory, 'backup'))!.files![0]!;
    expect(file).toMatchObject({
      path: '/srv/borg/.ssh/authorized_keys',
      owner: 'borg:borg',
      permissions: '0600',
    });
    // vms.yaml order; a VM whose key has no public half in the inventory is not let in.
    expect(file.content).toBe(
      `command="borg serve --append-only --restrict-to-path /srv/borg/git",restrict ${keys.get('git')}\n` +
        `command="borg serve --append-only --restrict-to-path /srv/borg/jump",restrict ${keys.get('jump')}\n`,
    );
    expect(borgRepoPart(model, vmNamed(model.inventory, 'jump'))).toBeUndefined();
  });

  it("reads the repository's path as borg does: /./ and /~/ are in the borg home", () => {
    expect(repositoryPathOnServer('ssh://borg@b.example.org/./web1')).toBe('/srv/borg/web1');
    expect(repositoryPathOnServer('ssh://borg@b.example.org:2222/~/web1')).toBe('/srv/borg/web1');
    expect(repositoryPathOnServer('ssh://borg@b.example.org/srv/backups/web1')).toBe('/srv/backups/web1');
  });

  it("points borgmatic at the store's files and makes the repository at converge, nothing on the VM", () => {
    const jump = convergeModel(model, vmNamed(model.inventory, 'jump'));
    const config = parse(jump.files.find((f) => f.path === BORGMATIC_CONFIG)!.content) as {
      storage: Record<string, string>;
    };
    expect(config.storage.encryption_passcommand).toBe('cat /etc/infra-secrets/vm/jump/borg-passphrase');
    expect(config.storage.ssh_command).toBe(
      'ssh -i /etc/infra-secrets/vm/jump/borg-ssh-key -o StrictHostKeyChecking=accept-new',
    );
    expect(jump.secretFiles.map((f) => f.key)).toEqual(
      expect.arrayContaining(['vm/jump/borg-passphrase', 'vm/jump/borg-ssh-key']),
    );
    expect(taskNames(model, 'jump')).toContain('Make the borg repository once');
    expect(taskNames(model, 'jump')).not.toContain('Make the borg passphrase');
    expect(jump.runcmd.map((c) => c.join(' ')).join('\n')).not.toContain('passphrase');
  });
});

describe('borg without a secrets store', () => {
  it('keeps making the passphrase and key on the VM, and lets no key into the repository', () => {
    const model = deriveModel(fixtureInventory());
    expect(taskNames(model, 'jump')).toContain('Make the borg passphrase');
    expect(taskNames(model, 'jump')).not.toContain('Make the borg repository once');
    expect(borgRepoPart(model, vmNamed(model.inventory, 'backup'))!.files![0]!.content).toBe('');
  });
});

describe('the public key files in the inventory', () => {
  it('refuses a file that is not one public key, located at the file, without showing it', () => {
    const { dir } = withStore('bad', []);
    const pub = join(dir, backupKeyFile('jump'));
    mkdirSync(join(pub, '..'), { recursive: true });
    const secret = freshValue('ssh-ed25519', 0);
    writeFileSync(pub, secret);
    const result = loadInventory(dir);
    expect(result.inventory).toBeUndefined();
    expect(result.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path} ${e.message}`)).toEqual([
      `${pub}:1:1 (file) is a private key (not shown); expected the ".pub" file next to it (borg client key of jump; run npm run secrets -- rotate vm/jump/borg-ssh-key)`,
    ]);
    expect(JSON.stringify(result.errors)).not.toContain(secret.split('\n')[1]);
  });

  it('is the public half of the stored private key', () => {
    const key = freshValue('ssh-ed25519', 0);
    expect(publicHalf(key)).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S+ borg\n$/);
    expect(freshValue('matrix-signing-key', 0)).toMatch(/^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n$/);
  });
});

describe('upstream repositories need their key pinned once releases.yaml exists', () => {
  const releases = (extra: string): string => {
    const dir = join(work, `releases-${extra.length}`);
    cpSync(FIXTURE, dir, { recursive: true });
    // gitea's pin is the example's, so only the repository rule speaks.
    const gitea = readFileSync('inventory/releases.yaml', 'utf8').match(/^ {2}gitea:\n(?: {4}.*\n)+/m)![0];
    writeFileSync(join(dir, 'releases.yaml'), `${extra}releases:\n${gitea}`);
    return dir;
  };
  const messages = (dir: string): string[] =>
    loadInventory(dir).errors.map((e) => `${e.file.replace(`${dir}/`, '')}:${e.line} ${e.path} ${e.message}`);

  it('refuses a Synapse whose repository key has no fingerprint, at its service entry', () => {
    expect(messages(releases(''))).toEqual([
      'vms.yaml:157 vms[9].services[0].kind synapse comes from the upstream apt repository matrix-org, whose signing key inventory/releases.yaml does not pin; expected repositories.matrix-org.fingerprint (40 hex digits, checked against the key from https://packages.matrix.org/debian/matrix-org-archive-keyring.gpg)',
    ]);
  });

  it('takes a pinned fingerprint, and refuses one that is not 40 hex digits', () => {
    const good = releases(
      'repositories:\n  matrix-org: { fingerprint: aaf9ae843a7584b5a3e4cd2bcf45a512de2da058 }\n',
    );
    expect(messages(good)).toEqual([]);
    expect(validInventory(good).aptKeys).toEqual({
      'matrix-org': { fingerprint: 'AAF9AE843A7584B5A3E4CD2BCF45A512DE2DA058' },
    });
    const bad = releases('repositories:\n  matrix-org: { fingerprint: "AAF9 AE84" }\n');
    expect(messages(bad)).toEqual([
      'releases.yaml:2 repositories.matrix-org.fingerprint "AAF9 AE84" is not an OpenPGP fingerprint; expected 40 hex digits without spaces, as gpg --show-keys prints it',
    ]);
  });
});
