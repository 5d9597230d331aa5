// What the playbooks converge for the services beyond the baseline: Knot's knot.conf (checked by the real
// knotc), Prosody's virtual hosts, PostgreSQL roles and databases of the dependents, and the upstream apt
// repositories. Exact values on the fixture organisations; the real PostgreSQL and Prosody runs are in
// test/ansible.chroot.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderPlaybook } from '../baseline/ansible.ts';
import { acmeKeyName, certificatesPart, DEPLOY_HOOK } from '../baseline/certificates.ts';
import { acmeGrants, KNOT_CONF, KNOT_KEYS, knotPart } from '../baseline/knot.ts';
import { databaseScript, databasesPart } from '../baseline/postgresql-roles.ts';
import { prosodyPart } from '../baseline/prosody.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel } from '../model/derive.ts';
import { exampleInventory, validInventory, vmNamed } from './helpers/inventories.ts';
import { missingDnsTools } from './helpers/knot.ts';

const dnsOrg = deriveModel(validInventory('test/fixtures/dns/org'));
const servicesOrg = deriveModel(validInventory('test/fixtures/services/good'));
const vm = (model: typeof dnsOrg, name: string): ReturnType<typeof vmNamed> => vmNamed(model.inventory, name);
const work = mkdtempSync(join(tmpdir(), 'converge-services-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function knotConf(name: string): string {
  const part = knotPart(dnsOrg, vm(dnsOrg, name));
  const file = part?.files?.find((f) => f.path === KNOT_CONF);
  if (!file) throw new Error(`no knot.conf for ${name}`);
  return file.content;
}

const MISSING_DNS = missingDnsTools();
if (MISSING_DNS.length > 0) console.warn(`skipping knotc conf-check: missing ${MISSING_DNS.join(', ')}`);

describe('knot.conf of the DNS VMs', () => {
  const zones = dnsOrg.dns.zones.map((z) => z.name);

  it('makes the primary notify its secondary and let it transfer, with the TSIG keys by file path', () => {
    const conf = knotConf('ns1');
    expect(conf).toContain('include: /etc/knot/keys/infra-deploy.conf');
    expect(conf).toContain('include: /etc/knot/keys/infra-transfer.conf');
    expect(conf).toContain(
      '  - id: ns2\n    address: [ 2001:db8:3::53, 198.51.100.5 ]\n    key: infra-transfer',
    );
    expect(conf).toContain('  - id: secondaries\n    address: [ 2001:db8:3::53, 198.51.100.5 ]');
    expect(conf).toContain('    action: transfer');
    expect(conf).not.toMatch(/secret/i);
    // The TLS-terminating VMs' ACME keys join the ACL of the zone their names are in (test/certificates.*).
    for (const zone of zones.filter((z) => z !== 'test.example.org'))
      expect(conf).toContain(`  - domain: ${zone}\n    acl: [ deploy, secondaries ]\n    notify: [ ns2 ]`);
    expect(conf).toContain(
      '  - domain: test.example.org\n    acl: [ deploy, secondaries, acme-proxy1, acme-mail, acme-chat ]\n',
    );
  });

  it('makes the secondary transfer every zone from the primary, which alone may notify it', () => {
    const conf = knotConf('ns2');
    expect(conf).toContain('include: /etc/knot/keys/infra-transfer.conf');
    expect(conf).not.toContain('infra-deploy');
    expect(conf).toContain('  - id: ns1\n    address: [ 2001:db8:1::53, 192.0.2.53 ]');
    expect(conf).toContain('    action: notify');
    for (const zone of zones) expect(conf).toContain(`  - domain: ${zone}\n    master: ns1\n`);
  });

  it('restarts Knot when knot.conf changes (where it listens is read at start only), reloads it for a key', () => {
    const files = knotPart(dnsOrg, vm(dnsOrg, 'ns1'))?.files ?? [];
    expect(files.find((f) => f.path === KNOT_CONF)?.reload).toBe('restart knot');
    expect(files.filter((f) => f.path !== KNOT_CONF).map((f) => f.reload)).toEqual(
      files.filter((f) => f.path !== KNOT_CONF).map(() => 'reload knot'),
    );
    const playbook = renderPlaybook(convergeModel(dnsOrg, vm(dnsOrg, 'ns1')));
    expect(playbook).toMatch(
      /- name: !unsafe "Restart knot"\n\s+ansible\.builtin\.systemd_service:\n\s+name: !unsafe "knot"\n\s+state: !unsafe "restarted"\n\s+listen: !unsafe "restart knot"/,
    );
  });

  it('gives no other VM a knot.conf', () => {
    expect(knotPart(dnsOrg, vm(dnsOrg, 'mail'))).toBeUndefined();
  });

  it.skipIf(MISSING_DNS.length > 0)(
    'passes the real knotc conf-check with the keys the operator places',
    () => {
      const keys = join(work, 'keys');
      execFileSync('mkdir', ['-p', keys]);
      const acme = acmeGrants(dnsOrg).map((g) => acmeKeyName(g.vm));
      for (const name of [...Object.values(KNOT_KEYS), ...acme])
        writeFileSync(join(keys, `${name}.conf`), execFileSync('keymgr', ['-t', name, 'hmac-sha256']));
      for (const vm of ['ns1', 'ns2']) {
        const path = join(work, `${vm}.conf`);
        writeFileSync(path, knotConf(vm).replaceAll('/etc/knot/keys/', `${keys}/`));
        const check = spawnSync('knotc', ['-c', path, 'conf-check'], { encoding: 'utf8' });
        expect(check.status, `${vm}: ${check.stdout}${check.stderr}`).toBe(0);
      }
      // Without the key file the operator places, Knot refuses the configuration (the playbook then keeps the
      // old one: knot.conf is validated with conf-check before it replaces it).
      rmSync(join(keys, `${KNOT_KEYS.transfer}.conf`));
      const path = join(work, 'ns2.conf');
      expect(spawnSync('knotc', ['-c', path, 'conf-check']).status).not.toBe(0);
    },
  );
});

describe('Prosody virtual hosts', () => {
  it('gives each XMPP domain its VirtualHost with the certificate the deploy hook imports', () => {
    const part = prosodyPart(servicesOrg, vm(servicesOrg, 'chat'));
    const host = part?.files?.find((f) => f.path === '/etc/prosody/conf.d/test.example.org.cfg.lua');
    expect(host?.content).toContain('VirtualHost "test.example.org"');
    expect(host?.content).toContain('certificate = "/etc/prosody/certs/test.example.org.crt";');
    expect(host?.content).toContain('key = "/etc/prosody/certs/test.example.org.key";');
    const hook = certificatesPart(dnsOrg, vm(dnsOrg, 'chat'))?.files?.find((f) => f.path === DEPLOY_HOOK);
    expect(hook?.content).toContain(
      "  'test.example.org')\n    prosodyctl --root cert import /etc/letsencrypt/live\n",
    );
    expect(prosodyPart(servicesOrg, vm(servicesOrg, 'db'))).toBeUndefined();
  });

  it("switches off Debian's localhost host, which has no certificate", () => {
    const file = prosodyPart(servicesOrg, vm(servicesOrg, 'chat'))?.files?.find(
      (f) => f.path === '/etc/prosody/conf.d/localhost.cfg.lua',
    );
    expect(file?.content).toMatch(/^VirtualHost "localhost"\n {4}enabled = false\n/m);
  });

  it("runs the deploy hook once where Prosody's copy of a certificate certbot keeps is missing", () => {
    expect(prosodyPart(dnsOrg, vm(dnsOrg, 'chat'))?.once).toEqual([
      {
        name: 'Hand the certificate of test.example.org to prosody',
        argv: ['env', 'RENEWED_LINEAGE=/etc/letsencrypt/live/test.example.org', DEPLOY_HOOK],
        creates: '/etc/prosody/certs/test.example.org.crt',
      },
    ]);
    // After certbot's own steps, which obtain the certificate and write the hook.
    const names = convergeModel(dnsOrg, vm(dnsOrg, 'chat')).once.map((o) => o.name);
    expect(names.indexOf('Hand the certificate of test.example.org to prosody')).toBeGreaterThan(
      names.indexOf('Certificate for test.example.org by ACME DNS-01'),
    );
    expect(names).toContain('Certificate for test.example.org by ACME DNS-01');
  });
});

describe('PostgreSQL roles and databases', () => {
  it('makes, on the database VM, the role and database of each service that uses it', () => {
    const part = databasesPart(servicesOrg, vm(servicesOrg, 'db'));
    expect(part?.convergeOnly).toBe(true);
    expect(part?.commands?.map((c) => c.name)).toEqual([
      'PostgreSQL role gitea_git and database gitea_git (gitea on git)',
    ]);
    expect(part?.commands?.[0]?.stdin).toBe(databaseScript({ name: 'gitea_git', user: 'gitea_git' }));
    expect(part?.commands?.[0]?.argv.slice(0, 5)).toEqual(['runuser', '-u', 'postgres', '--', 'psql']);
  });

  it('makes none on a streaming replica or a VM without PostgreSQL', () => {
    const example = deriveModel(exampleInventory());
    const replicas = example.services.instances.filter(
      (i) => i.kind === 'postgresql' && typeof i.params.primary === 'string',
    );
    expect(replicas.length).toBeGreaterThan(0);
    for (const r of replicas) expect(databasesPart(example, r.vm)).toBeUndefined();
    expect(databasesPart(servicesOrg, vm(servicesOrg, 'chat'))).toBeUndefined();
  });

  it('quotes names as SQL text, so a quote in a name stays data', () => {
    expect(databaseScript({ name: "a'b", user: 'u' })).toContain("'a''b'");
  });

  it('reports a change only when psql printed what it created', () => {
    const tasks = tasksOf(renderPlaybook(convergeModel(servicesOrg, vm(servicesOrg, 'db'))));
    const task = tasks.find((t) => t.name.startsWith('PostgreSQL role gitea'));
    expect(task?.changed_when).toBe('infra_command.stdout | trim | length > 0');
    expect(task?.register).toBe('infra_command');
  });
});

interface Task {
  name: string;
  register?: string;
  changed_when?: string;
  notify?: string;
  [module: string]: unknown;
}

function tasksOf(playbook: string): Task[] {
  const plays = parse(playbook, { customTags: ANSIBLE_YAML_TAGS }) as {
    tasks: Task[];
  }[];
  return plays.flatMap((p) => p.tasks);
}

describe('upstream apt repositories in the playbook', () => {
  const example = deriveModel(exampleInventory());
  const matrix = example.inventory.vms.find((v) => v.services.some((s) => s.kind === 'synapse'))!;
  const tasks = tasksOf(renderPlaybook(convergeModel(example, matrix)));
  const at = (name: string): number => tasks.findIndex((t) => t.name === name);

  it('fetches the key once, writes the sources file, refreshes the lists, then installs the packages', () => {
    const key = tasks.findIndex((t) => t.name.startsWith('Key of /etc/apt/sources.list.d/'));
    const sources = tasks.findIndex((t) => t.name.startsWith('File /etc/apt/sources.list.d/'));
    const lists = at('Refresh the package lists now if a sources file changed');
    const install = at('Packages from the upstream repositories');
    expect(tasks[key]?.['ansible.builtin.get_url']).toMatchObject({ force: false, mode: '0644' });
    expect(at('Debian packages')).toBeLessThan(key);
    expect(sources).toBeGreaterThan(key);
    expect(tasks[sources]?.notify).toBe('refresh apt lists');
    expect(lists).toBeGreaterThan(sources);
    expect(tasks[lists]?.['ansible.builtin.meta']).toBe('flush_handlers');
    expect(install).toBeGreaterThan(lists);
    expect(tasks[install]?.['ansible.builtin.apt']).toMatchObject({ name: ['matrix-synapse-py3'] });
    // Debian's own package task cannot install them: their source is not there yet on a new VM.
    const debian = tasks[at('Debian packages')]?.['ansible.builtin.apt'] as { name: string[] };
    expect(debian.name).not.toContain('matrix-synapse-py3');
  });

  it('writes each sources file once', () => {
    const dests = tasks.flatMap((t) => {
      const copy = t['ansible.builtin.copy'] as { dest: string } | undefined;
      return copy ? [copy.dest] : [];
    });
    expect(dests.filter((d) => d.startsWith('/etc/apt/sources.list.d/'))).toHaveLength(1);
  });
});
