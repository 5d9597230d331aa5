// Secrets reach VMs only through converge, proven on a real Debian root: the store is generated for keys from
// ssh-keygen, synth writes the playbooks, converge's own decryption (cli/converge-secrets.ts) hands them to
// ansible-playbook, and the files land with the service user as owner and mode 0600, the database role gets
// the stored password; while grep finds no value in cdktf.out/, the Ansible output or the review comment.
// Skipped with a printed reason where the tools or root are missing (.ci/run installs them; CI runs as root).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PSQL_AS_POSTGRES, scramVerifier } from '../baseline/postgresql-roles.ts';
import { secretFiles } from '../baseline/secret-files.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { convergeSecrets, type ConvergeSecrets } from '../cli/converge-secrets.ts';
import { decrypt, secretPath, storedKeys } from '../members/secrets-store.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { renderMarkdown } from '../review/diff-render.ts';
import { diffSynthOutputs } from '../review/diff.ts';
import { renderSecretRecipients } from '../review/secret-recipients.ts';
import { readSynthOutput } from '../review/synth-output.ts';
import {
  debianRoot,
  hostRoot,
  runCleanups,
  inRoot,
  rootUnavailable,
  startPostgresInRoot,
} from './helpers/debian-root.ts';
import { validInventory } from './helpers/inventories.ts';
import { loadInventory } from '../model/load.ts';
import { command, type SecretsOrg, secretsOrg } from './helpers/secrets-org.ts';
import { ansibleEnv, chrootHostVars } from './helpers/playbook.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the secrets converge test: ${UNAVAILABLE}`);

/** The forge (its secret files, owned by its user git) and its database VM (the role's password). */
const HOSTS = ['git', 'db'] as const;

const work = mkdtempSync(join(tmpdir(), 'secrets-converge-'));
const root = (host: string): string => join(work, 'roots', host);
const cleanups: (() => void)[] = [];
let org: SecretsOrg;
let model: Model;
let secrets: ConvergeSecrets;
/** Every value in the store, as the deploy identity reads it. */
let values: string[];
const outputs: string[] = [];

function playbook(host: string, extra: readonly string[]): Promise<{ status: number; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      'ansible-playbook',
      ['-i', join(work, 'chroot.yml'), ...extra, join(work, 'out/artifacts/ansible/vms', `${host}.yml`)],
      { env: { ...ansibleEnv(), ANSIBLE_STDOUT_CALLBACK: 'default' } },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ status: code ?? 1, output }));
  });
}

async function converge(): Promise<{ status: number; output: string }[]> {
  const runs = await Promise.all(HOSTS.map((h) => playbook(h, secrets.args(h))));
  outputs.push(...runs.map((r) => r.output));
  return runs;
}

let first: { status: number; output: string }[];

beforeAll(async () => {
  if (UNAVAILABLE) return;
  org = secretsOrg(work);
  // The root is bookworm: the database VM follows it (its PostgreSQL directory is per release).
  const vms = join(org.inventory, 'vms.yaml');
  writeFileSync(
    vms,
    readFileSync(vms, 'utf8').replace(/(id: 104\n(?:.*\n){2}) {4}os: debian-13/, '$1    os: debian-12'),
  );
  const generated = command('secrets', ['generate', '--inventory', org.inventory]);
  if (generated.status !== 0) throw new Error(generated.output);
  const synth = command('synth', ['--inventory', org.inventory, '--out', join(work, 'out'), '--quiet']);
  if (synth.status !== 0) throw new Error(synth.output);
  model = deriveModel(validInventory(org.inventory));
  values = storedKeys(org.store).map((key) => decrypt(secretPath(org.store, key), org.keys.deploy).trim());
  const packages = [
    'python3',
    'systemd',
    ...HOSTS.flatMap((h) => convergeModel(model, model.services.vmByName.get(h)!).packages),
  ];
  const built = debianRoot(packages);
  console.info(
    built.builtSeconds === undefined
      ? `debian root from the cache (${built.dir})`
      : `debian root built in ${built.builtSeconds.toFixed(1)} s`,
  );
  for (const host of HOSTS) cleanups.push(hostRoot(built.dir, root(host)));
  cleanups.unshift(startPostgresInRoot(root('db'), 15));
  const hosts = HOSTS.map((h) => `    ${h}:\n${chrootHostVars(root(h))}`);
  writeFileSync(join(work, 'chroot.yml'), `all:\n  hosts:\n${hosts.join('\n')}\n`);
  secrets = convergeSecrets(model, org.store, org.keys.deploy, HOSTS);
  cleanups.push(() => secrets.cleanup());
  const started = performance.now();
  first = await converge();
  console.info(
    `first converge of ${HOSTS.join(', ')}: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}, 900_000);

afterAll(() => runCleanups(cleanups, work));

describe.skipIf(UNAVAILABLE)('secrets through converge on a real Debian root', () => {
  it('converges both VMs with their secrets', () => {
    for (const [i, run] of first.entries())
      expect(run.status, `${HOSTS[i]}:\n${run.output.slice(-3000)}`).toBe(0);
  });

  it('hands each VM a vars file of mode 0600 with only its own secrets', () => {
    const [, file] = secrets.args('git');
    const text = readFileSync(file!.slice(1), 'utf8');
    expect((statSync(file!.slice(1)).mode & 0o777).toString(8)).toBe('600');
    expect(text).toMatch(/^secrets:\n/);
    expect(text).toMatch(/\n {2}service\/gitea-git\/db-password: !unsafe "/);
    expect(text).not.toContain('vm/chat/');
  });

  it('writes the secret files with the service user as owner and mode 0600, holding the stored value', () => {
    const files = secretFiles(model, model.services.vmByName.get('git')!);
    expect(files.map((f) => f.key)).toEqual(
      expect.arrayContaining(['service/gitea-git/db-password', 'service/gitea-git/secret-key']),
    );
    for (const file of files) {
      const path = join(root('git'), file.path);
      expect(readFileSync(path, 'utf8').trim(), file.path).toBe(
        decrypt(secretPath(org.store, file.key), org.keys.ada).trim(),
      );
      expect((statSync(path).mode & 0o7777).toString(8).padStart(4, '0'), file.path).toBe('0600');
      const owner = inRoot(root('git'), ['stat', '-c', '%U:%G', file.path]).output.trim();
      expect(owner, file.path).toBe(file.key.startsWith('vm/') ? 'root:root' : 'git:git');
    }
  });

  it("sets the database role's password to the stored one (its SCRAM verifier)", () => {
    const stored = inRoot(root('db'), [
      ...PSQL_AS_POSTGRES,
      '-c',
      "SELECT rolpassword FROM pg_authid WHERE rolname = 'gitea_git'",
    ]);
    const password = decrypt(secretPath(org.store, 'service/gitea-git/db-password'), org.keys.deploy);
    expect(stored.output.trim()).toBe(scramVerifier(password));
  });

  it('changes nothing on a second run', async () => {
    const again = await converge();
    for (const run of again) {
      expect(run.status, run.output.slice(-2000)).toBe(0);
      expect(run.output).toMatch(/changed=0\s/);
    }
  }, 900_000);

  it('leaves no value in cdktf.out/, the Ansible output or the review comment, and removes the vars files', () => {
    // The review of the change that gave the forge role its secrets: the synth diff and the recipients section.
    const base = join(work, 'base');
    cpSync(org.inventory, base, { recursive: true });
    const roles = join(base, 'roles.yaml');
    writeFileSync(roles, readFileSync(roles, 'utf8').replace('    secrets: { services: [gitea] }\n', ''));
    expect(command('synth', ['--inventory', base, '--out', join(work, 'base-out'), '--quiet']).status).toBe(
      0,
    );
    const comment = [
      renderMarkdown(
        diffSynthOutputs(readSynthOutput(join(work, 'base-out')), readSynthOutput(join(work, 'out'))),
        { title: 'base → head' },
      ),
      renderSecretRecipients(loadInventory(base).model, model),
    ].join('\n');
    expect(comment).toContain('- `service/gitea-git/secret-key`: readable by bob');
    const ansible = outputs.join('\n');
    // The tasks that wrote the secrets ran, and said no more than their names.
    expect(ansible).toContain('TASK [Secret file /etc/infra-secrets/service/gitea-git/secret-key]');
    for (const value of values) {
      const grep = spawnSync('grep', ['-rqF', '--', value, join(work, 'out')]);
      expect(grep.status, 'a secret value in cdktf.out/').toBe(1);
      expect(ansible.includes(value), 'a secret value in the Ansible output').toBe(false);
      expect(comment.includes(value), 'a secret value in the review comment').toBe(false);
    }
    const [, file] = secrets.args('git');
    secrets.cleanup();
    expect(existsSync(file!.slice(1))).toBe(false);
  });
});
