// The simulator behaves like each pinned provider (providers/<name>/semantics.json), judged by the real terraform: validators, replacement, import ids, creates over existing objects, read-backs.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorld, writeWorld } from '../providers/simulator/state.ts';
import { REQUIRED, type Scratch, scratch, TERRAFORM_MISSING } from './helpers/terraform.ts';
import { PROVIDER_REGISTRY, providerAddress } from '../constructs/provider-registry.ts';

const ENDPOINT = 'https://pve.test.invalid:8006/';
const DNS_SERVER = '192.0.2.53';
const providers = {
  proxmox: [{ endpoint: ENDPOINT }],
  dns: [{ update: [{ server: DNS_SERVER, key_name: 'infra-deploy.' }] }],
  gitea: [{ base_url: 'https://git.test.invalid' }],
};
const config = (resource: Record<string, unknown>) => ({
  terraform: REQUIRED,
  provider: providers,
  resource,
});

const acl = { group_id: 'sysadmin', path: '/pool/web', role_id: 'PVEAdmin' };
const snippet = {
  node_name: 'pve1',
  datastore_id: 'local',
  content_type: 'snippets',
  source_raw: [{ data: '#cloud-config\n', file_name: 'web.yaml' }],
};
const record = { zone: 'example.org.', name: 'mail', addresses: ['192.0.2.25'] };
const user = (userId: string, groups: string[] = []) => ({ user_id: userId, groups });

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
}

describe.skipIf(TERRAFORM_MISSING)('the simulator behaves like the pinned providers', () => {
  let s: Scratch;
  beforeAll(async () => {
    s = await scratch();
  });
  afterAll(async () => {
    await s.close();
  });

  const init = async (dir: string, json: object): Promise<void> => {
    s.config(dir, json);
    const r = await s.tf(dir, 'init', '-input=false', '-no-color');
    expect(r.code, r.stderr).toBe(0);
  };
  const apply = async (dir: string): Promise<void> => {
    const r = await s.tf(dir, 'apply', '-input=false', '-no-color', '-auto-approve');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  };
  const plan = async (dir: string): Promise<PlanJson> => {
    const r = await s.tf(dir, 'plan', '-input=false', '-no-color', '-out=p.tfplan');
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse((await s.tf(dir, 'show', '-json', 'p.tfplan')).stdout) as PlanJson;
  };
  const clean = async (dir: string): Promise<number | null> =>
    (await s.tf(dir, 'plan', '-input=false', '-no-color', '-detailed-exitcode')).code;
  const oneLine = (text: string): string => text.replace(/[│\s]+/g, ' ');

  it("refuses an invalid expiration date, zone name and content type at terraform validate, with the provider's message", async () => {
    await init(
      'invalid',
      config({
        proxmox_virtual_environment_user: { alice: { ...user('alice@pve'), expiration_date: '2026-13-01' } },
        dns_a_record_set: { mail: { ...record, zone: 'example.org' } },
        proxmox_virtual_environment_file: { web: { ...snippet, content_type: 'snippet' } },
      }),
    );
    const r = await s.tf('invalid', 'validate', '-no-color');
    expect(r.code).toBe(1);
    const said = oneLine(r.stderr);
    expect(said).toContain('expected "expiration_date" to be a valid RFC3339 date, got "2026-13-01"');
    expect(said).toContain('DNS zone name "zone" must be fully qualified: "example.org"');
    expect(said).toContain(
      'expected content_type to be one of ["backup" "iso" "snippets" "vztmpl" "import"], got snippet',
    );
    expect(said).toContain('with proxmox_virtual_environment_user.alice');
  });

  it('accepts the valid forms the same validators allow', async () => {
    await init(
      'valid',
      config({
        proxmox_virtual_environment_user: {
          alice: { ...user('alice@pve'), expiration_date: '2027-01-31T00:00:00Z' },
        },
        dns_a_record_set: { mail: record },
      }),
    );
    const r = await s.tf('valid', 'validate', '-no-color');
    expect(r.code, r.stderr).toBe(0);
  });

  it('refuses an ACL path Proxmox does not know when applying: the provider has no validator for it, the API answers', async () => {
    await init('acl-path', config({ proxmox_acl: { bad: { ...acl, path: '/pools/web' } } }));
    expect((await s.tf('acl-path', 'validate', '-no-color')).code).toBe(0);
    const r = await s.tf('acl-path', 'apply', '-input=false', '-no-color', '-auto-approve');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('Unable to create ACL: API call failed');
    expect(oneLine(r.stderr)).toContain("invalid ACL path '/pools/web'");
  });

  it('refuses a TSIG key name that is not fully qualified when the DNS provider configures', async () => {
    await init('key', {
      terraform: REQUIRED,
      provider: { dns: [{ update: [{ server: DNS_SERVER, key_name: 'infra-deploy' }] }] },
      resource: { dns_a_record_set: { mail: record } },
    });
    const r = await s.tf('key', 'plan', '-input=false', '-no-color');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('Error configuring provider: "key_name" should be fully-qualified');
  });

  it('plans a realm change of a user as a replacement', async () => {
    await init('realm', config({ proxmox_virtual_environment_user: { alice: user('alice@pve') } }));
    await apply('realm');
    s.config('realm', config({ proxmox_virtual_environment_user: { alice: user('alice@ldap') } }));
    const changes = (await plan('realm')).resource_changes ?? [];
    expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
      ['proxmox_virtual_environment_user.alice', ['delete', 'create']],
    ]);
  });

  it('uses the real ids and accepts the real import ids, then plans nothing', async () => {
    const resources = {
      proxmox_acl: { web: acl },
      proxmox_virtual_environment_file: { web: snippet },
      dns_a_record_set: { mail: record },
      gitea_team_membership: { alice: { team_id: 12, username: 'alice' } },
    };
    await init('ids', config(resources));
    await apply('ids');
    const world = readWorld(s.world);
    expect(Object.keys(world.endpoints[ENDPOINT]!.proxmox_acl!)).toEqual(['/pool/web?sysadmin?PVEAdmin']);
    expect(Object.keys(world.endpoints[ENDPOINT]!.proxmox_virtual_environment_file!)).toEqual([
      'local:snippets/web.yaml',
    ]);
    expect(Object.keys(world.endpoints[`dns://${DNS_SERVER}:53`]!.dns_a_record_set!)).toEqual([
      'mail.example.org.',
    ]);

    await init('imported', config(resources));
    for (const [address, id] of [
      ['proxmox_acl.web', '/pool/web?sysadmin?PVEAdmin'],
      ['proxmox_virtual_environment_file.web', 'pve1/local:snippets/web.yaml'],
      ['dns_a_record_set.mail', 'mail.example.org.'],
      ['gitea_team_membership.alice', '12/alice'],
    ]) {
      const r = await s.tf('imported', 'import', '-input=false', '-no-color', address!, id!);
      expect(r.code, `${address} ${id}: ${r.stderr}`).toBe(0);
    }
    expect(await clean('imported')).toBe(0);
  });

  it("refuses an import id in another format with the provider's message", async () => {
    await init('bad-import', config({ proxmox_virtual_environment_file: { web: snippet } }));
    const r = await s.tf(
      'bad-import',
      'import',
      '-input=false',
      '-no-color',
      'proxmox_virtual_environment_file.web',
      'local:snippets/web.yaml',
    );
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain(
      'unexpected format of ID (local:snippets/web.yaml), expected node/datastore_id:content_type/file_name',
    );
  });

  it('creates an ACL, a record set and a snippet file again after the state was lost, as the real APIs allow', async () => {
    const resources = {
      proxmox_acl: { web: acl },
      proxmox_virtual_environment_file: { web: snippet },
      dns_a_record_set: { mail: record },
    };
    await init('lost', config(resources));
    await apply('lost');
    rmSync(join(s.dir, 'lost', 'terraform.tfstate'));
    await apply('lost');
    expect(await clean('lost')).toBe(0);
  });

  it('refuses to upload over an existing file when overwrite is false, as the provider does', async () => {
    await init(
      'no-overwrite',
      config({ proxmox_virtual_environment_file: { web: { ...snippet, overwrite: false } } }),
    );
    const r = await s.tf('no-overwrite', 'apply', '-input=false', '-no-color', '-auto-approve');
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('file "local:snippets/web.yaml" already exists');
  });

  it("reads a group's members back from its users: an onboarding changes no plan", async () => {
    const group = { proxmox_virtual_environment_group: { ops: { group_id: 'ops' } } };
    await init(
      'members',
      config({ ...group, proxmox_virtual_environment_user: { carol: user('carol@pve', ['ops']) } }),
    );
    await apply('members');
    expect(await clean('members')).toBe(0);
    s.config(
      'members',
      config({
        ...group,
        proxmox_virtual_environment_user: {
          carol: user('carol@pve', ['ops']),
          dave: user('dave@pve', ['ops']),
        },
      }),
    );
    await apply('members');
    expect(await clean('members')).toBe(0);
    // A plan refreshes without saving; a refresh-only apply keeps what the API read back.
    expect((await s.tf('members', 'apply', '-refresh-only', '-auto-approve', '-no-color')).code).toBe(0);
    const state = JSON.parse((await s.tf('members', 'show', '-json')).stdout) as {
      values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } };
    };
    const ops = state.values.root_module.resources.find(
      (r) => r.address === 'proxmox_virtual_environment_group.ops',
    );
    expect(ops?.values.members).toEqual(['carol@pve', 'dave@pve']);
  });

  it("plans the provider's defaults and reads Gitea's units back in Go's form: the default never converges", async () => {
    const team = { name: 'infra', organisation: 'example' };
    await init('units', config({ gitea_team: { infra: team } }));
    const planned = (await plan('units')).resource_changes?.[0]?.change.after;
    expect(planned).toMatchObject({ include_all_repositories: true, can_create_repos: true });
    await apply('units');
    expect(await clean('units')).toBe(2);
  });

  it('reads an organisation owner back as maintainer on GitHub: role member never converges for an owner', async () => {
    // What GitHub knows and the stack does not: ada owns the organisation.
    const world = readWorld(s.world);
    world.endpoints[`${providerAddress(PROVIDER_REGISTRY.github)} default`] = {
      github_organization_owner: { ada: {} },
    };
    writeWorld(s.world, world);
    const github = (role: string) => ({
      terraform: REQUIRED,
      provider: { github: [{ owner: 'example' }] },
      resource: { github_team_membership: { ada: { team_id: '7', username: 'ada', role } } },
    });
    await init('owner', github('member'));
    await apply('owner');
    expect(await clean('owner')).toBe(2);
    s.config('owner', github('maintainer'));
    await apply('owner');
    expect(await clean('owner')).toBe(0);
  });
});
