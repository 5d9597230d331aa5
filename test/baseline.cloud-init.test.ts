// Every cloud-config of the fixture passes the real `cloud-init schema` (Debian's cloud-init 22.4), and a
// broken one does not. Skipped with a printed reason where cloud-init is not installed (CI installs it).
import { deriveModel } from '../model/derive.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { CLOUD_INIT, validateCloudConfigs } from './helpers/cloud-init.ts';
import { fixtureInventory } from './helpers/inventories.ts';
import { findingsOf, removeVariants, variantDir } from './helpers/variant.ts';

if (!CLOUD_INIT)
  console.warn(
    'cloud-init is not installed (apt-get install cloud-init): skipping the cloud-config schema tests',
  );

const work = mkdtempSync(join(tmpdir(), 'cloud-config-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  removeVariants();
});

describe.skipIf(!CLOUD_INIT)('cloud-init schema', () => {
  // The example's cloud-configs are checked by the invariant suite (test/invariants.test.ts).
  it('accepts the cloud-config of every VM of the fixture, os: other included, without deprecations', () => {
    const inventory = fixtureInventory();
    const paths = inventory.vms.map((vm) => {
      const path = join(work, `${vm.name}.yaml`);
      writeFileSync(path, renderCloudConfig(deriveModel(inventory), vm));
      return path;
    });
    const lines = validateCloudConfigs(paths);
    expect(lines.filter((l) => !l.startsWith('VALID '))).toEqual([]);
    expect(lines).toHaveLength(16);
  });

  it('accepts an os: other cloud-config through the real CLI, which says so and exits 0', () => {
    const inventory = fixtureInventory();
    const vm = { ...inventory.vms[0]!, os: 'other' as const };
    const path = join(work, 'other.yaml');
    writeFileSync(path, renderCloudConfig(deriveModel(inventory), vm));
    const run = spawnSync(CLOUD_INIT!, ['schema', '--config-file', path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Valid cloud-config: ${path}`);
  });

  it('rejects a broken cloud-config: the CLI exits 1 and names the field', () => {
    const inventory = fixtureInventory();
    const good = renderCloudConfig(deriveModel(inventory), inventory.vms[0]!);
    // A single package name where cloud-init wants a list.
    const broken = good.replace(/^packages:\n(?: {2}- .*\n)+/m, 'packages: nginx\n');
    expect(broken).not.toBe(good);
    const path = join(work, 'broken.yaml');
    writeFileSync(path, broken);
    const run = spawnSync(CLOUD_INIT!, ['schema', '--config-file', path], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("packages: 'nginx' is not of type 'array'");
    expect(validateCloudConfigs([path])).toEqual([
      expect.stringMatching(/^INVALID .*packages: 'nginx' is not of type 'array'/),
    ]);
  });

  it('keeps the nastiest accepted URLs and comments literal in valid YAML', () => {
    const keysUrl = 'https://id.example.org/ssh/{user}.keys?a=1&b=x#frag,[y]:z=@+~%20';
    const repository = 'ssh://borg@backup.example.org:2222/./{vm}?x=&y#z';
    const comment = 'x: y # not a comment, - [not a list] {not: a map} & * ! | > % @';
    const { result } = findingsOf(
      variantDir([
        { file: 'org.yaml', path: ['ssh', 'keys_url'], value: keysUrl },
        { file: 'org.yaml', path: ['backup'], value: { repository, sources: ['2001:db8:3::/64'] } },
        { file: 'vms.yaml', path: ['vms', 3, 'extra_ports'], value: [{ port: 9000, comment }] },
      ]),
    );
    expect(result.errors).toEqual([]);
    const inventory = result.inventory!;
    // db: Debian 13, whose borgmatic takes the flat form with a list of repositories.
    const vm = inventory.vms[3]!;
    const text = renderCloudConfig(deriveModel(inventory), vm);
    const path = join(work, 'hostile.yaml');
    writeFileSync(path, text);
    const run = spawnSync(CLOUD_INIT!, ['schema', '--config-file', path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const files = (parse(text) as { write_files: { path: string; content: string }[] }).write_files;
    const content = (p: string): string => files.find((f) => f.path === p)?.content ?? '';
    expect(content('/etc/ssh/member-keys.conf')).toContain(`KEYS_URL=${keysUrl}\n`);
    expect(content('/etc/nftables.conf')).toContain(`comment "${comment}"`);
    const borgmatic = parse(content('/etc/borgmatic/config.yaml')) as { repositories: { path: string }[] };
    expect(borgmatic.repositories.map((r) => r.path)).toContain(repository.replace('{vm}', vm.name));
  });
});
