// What the playbooks set up for the services beyond their packages: the proxies' upload limits, timeouts and
// delegated names (Matrix federation), the status page's own nginx, the accounts of the borg repository and
// of SFTP partners, and the debconf answers of upstream packages. Exact values on the fixture organisation
// (with a status page and an SFTP drop added); test/services.roots.test.ts runs them in real roots.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderPlaybook } from '../baseline/ansible.ts';
import { convergeModel, type VmModel } from '../baseline/vm-model.ts';
import { deriveModel } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { SFTP_PARTNER, servicesFixture } from './helpers/services-org.ts';
import { throwawayKey } from './helpers/ssh-keys.ts';

const work = mkdtempSync(join(tmpdir(), 'services-setup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const partnerKey = readFileSync(`${throwawayKey(work, 'partner')}.pub`, 'utf8').trim();
servicesFixture(join(work, 'org'), partnerKey);
const model = deriveModel(validInventory(join(work, 'org')));
const vmModel = (name: string): VmModel => convergeModel(model, vmNamed(model.inventory, name));
const file = (vm: string, path: string): string => {
  const found = vmModel(vm).files.find((f) => f.path === path);
  if (!found) throw new Error(`${vm} has no ${path}`);
  return found.content;
};

describe('the proxies', () => {
  it("pass each application's uploads and long requests as its catalog entry says", () => {
    const git = file('proxy1', '/etc/nginx/conf.d/site-code.fixture.example.org.conf');
    expect(git).toContain('    client_max_body_size 1024m;\n');
    expect(git).toContain('    proxy_read_timeout 600s;\n    proxy_send_timeout 600s;\n');
    const matrix = file('proxy1', '/etc/nginx/conf.d/site-im.fixture.example.org.conf');
    expect(matrix).toContain('    client_max_body_size 50m;\n');
    // The status page says nothing: nginx's own limits hold.
    const status = file('proxy1', '/etc/nginx/conf.d/site-status.fixture.example.org.conf');
    expect(status).not.toContain('client_max_body_size');
    expect(status).not.toContain('proxy_read_timeout');
  });

  it('answer for the Matrix server name: federation to the federation listener, .well-known delegation', () => {
    const conf = file('proxy2', '/etc/nginx/conf.d/site-fixture.example.org.conf');
    expect(conf).toContain('# fixture.example.org: synapse on matrix');
    expect(conf).toContain(
      'upstream backend_fixture_example_org__matrix_ {\n    server [2001:db8:1::13]:8448;\n}',
    );
    expect(conf).toContain(
      '    location /_matrix/ {\n        proxy_pass http://backend_fixture_example_org__matrix_;',
    );
    const documents = Object.fromEntries(
      [...conf.matchAll(/location = (\S+) \{[^}]*return 200 '([^']*)';/g)].map((m) => [
        m[1],
        JSON.parse(m[2]!),
      ]),
    );
    expect(documents).toEqual({
      '/.well-known/matrix/server': { 'm.server': 'im.fixture.example.org:443' },
      '/.well-known/matrix/client': { 'm.homeserver': { base_url: 'https://im.fixture.example.org' } },
    });
    // Nothing else of the bare domain goes anywhere.
    expect(conf).toMatch(/ {4}location \/ \{\n {8}return 404;\n {4}\}\n\}\n$/);
  });
});

describe('the services themselves', () => {
  it("serve the status page from /var/www/status on the status VM's own nginx", () => {
    const conf = file('uptime', '/etc/nginx/conf.d/static-status-page.conf');
    expect(conf).toContain(
      '    listen 80;\n    listen [::]:80;\n    server_name status.fixture.example.org;',
    );
    expect(conf).toContain('    root /var/www/status;');
    expect(vmModel('uptime').directories).toContainEqual({ path: '/var/www/status', mode: '0755' });
  });

  it('give each SFTP partner a chrooted account with its keys, uploading into upload/', () => {
    const m = vmModel('drop');
    expect(m.groups).toContain('sftp-drop');
    expect(m.users).toContainEqual({
      name: SFTP_PARTNER,
      homedir: `/srv/sftp/${SFTP_PARTNER}`,
      groups: ['sftp-drop'],
      shell: '/usr/sbin/nologin',
      lock_passwd: true,
      ssh_authorized_keys: [partnerKey],
    });
    expect(m.directories).toEqual(
      expect.arrayContaining([
        { path: `/srv/sftp/${SFTP_PARTNER}`, mode: '0755' },
        { path: `/srv/sftp/${SFTP_PARTNER}/upload`, mode: '0750', owner: `${SFTP_PARTNER}:${SFTP_PARTNER}` },
      ]),
    );
    expect(file('drop', '/etc/ssh/sshd_config.d/10-baseline.conf')).toMatch(/^AllowGroups .*\bsftp-drop\b/m);
  });

  it('make the borg repository owner on every converge, not only at first boot', () => {
    const m = vmModel('backup');
    expect(m.users).toContainEqual({
      name: 'borg',
      system: true,
      homedir: '/srv/borg',
      shell: '/bin/sh',
      lock_passwd: true,
    });
    expect(m.directories).toEqual(
      expect.arrayContaining([
        { path: '/srv/borg', mode: '0700', owner: 'borg:borg' },
        { path: '/srv/borg/.ssh', mode: '0700', owner: 'borg:borg' },
      ]),
    );
  });

  it("answer Synapse's server-name question before any package is installed", () => {
    const tasks = (
      parse(renderPlaybook(vmModel('matrix')), {
        customTags: ANSIBLE_YAML_TAGS,
      }) as { tasks: Record<string, unknown>[] }[]
    )[0]!.tasks;
    const names = tasks.map((t) => t.name);
    const answer = names.indexOf('Answer matrix-synapse/server-name for matrix-synapse');
    expect(tasks[answer]?.['ansible.builtin.debconf']).toEqual({
      name: 'matrix-synapse',
      question: 'matrix-synapse/server-name',
      vtype: 'string',
      value: 'fixture.example.org',
    });
    expect(answer).toBeGreaterThan(-1);
    expect(answer).toBeLessThan(names.indexOf('Debian packages'));
    expect(answer).toBeLessThan(names.indexOf('Packages from the upstream repositories'));
  });
});

describe('partners in vms.yaml', () => {
  it('refuses a partner key that is not an SSH public key, located at the key', () => {
    const dir = join(work, 'bad');
    servicesFixture(dir, 'ssh-ed25519 not-base64 partner@example.net');
    const result = loadInventory(dir);
    expect(result.inventory).toBeUndefined();
    const lines = result.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.path} ${e.message}`);
    expect(lines.join('\n')).toMatch(
      /vms\.yaml:\d+:\d+ vms\[17\]\.services\[0\]\.partners\[0\]\.keys\[0\] "ssh-ed25519 not-base64/,
    );
  });
});
