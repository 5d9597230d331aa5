// Mailman's configuration as the model makes it: PostgreSQL for core and web with the store's password,
// secrets only as store references, the list domains handed to Mailman's LMTP, nothing in cloud-init.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ANSIBLE_YAML_TAGS } from '../baseline/ansible-text.ts';
import { renderPlaybook } from '../baseline/ansible.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel } from '../model/derive.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { LIST_DOMAIN, LISTS_VM, MAIL_DOMAIN, mailOrg, withMailman } from './helpers/mail-org.ts';

const work = mkdtempSync(join(tmpdir(), 'mailman-model-'));
const model = deriveModel(validInventory(withMailman(mailOrg(work)).inventory));
const vm = vmNamed(model.inventory, LISTS_VM);
const scope = `service/mailman-${LISTS_VM}`;
const files = convergeModel(model, vm).files;
const fileOf = (path: string) => files.find((f) => f.path === path);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Mailman from the model', () => {
  it('puts core on the PostgreSQL VM of db:, with the instance role and the password from the store', () => {
    const cfg = fileOf('/etc/mailman3/mailman.cfg')!;
    expect(cfg.secret).toBe(true);
    expect(cfg.owner).toBe('root:list');
    expect(cfg.content).toContain('class: mailman.database.postgresql.PostgreSQLDatabase\n');
    expect(cfg.content).toContain(
      `url: postgresql://mailman_${LISTS_VM}:{{ secrets['${scope}/db-password'] }}@db.${MAIL_DOMAIN}/mailman_${LISTS_VM}\n`,
    );
    expect(cfg.content).toContain(`admin_pass: {{ secrets['${scope}/rest-password'] }}\n`);
    expect(cfg.content).not.toContain('restpass');
  });

  it('gives the web UI its own database, the Django secret, REST password and list domain name', () => {
    const web = fileOf('/etc/mailman3/mailman-web.py')!;
    expect(web.secret).toBe(true);
    expect(web.content).toContain(`'NAME': 'mailmanweb_${LISTS_VM}'`);
    expect(web.content).toContain(`SECRET_KEY = '{{ secrets['${scope}/django-secret-key'] }}'`);
    expect(web.content).toContain(`MAILMAN_REST_API_PASS = '{{ secrets['${scope}/rest-password'] }}'`);
    expect(web.content).toContain(`EMAILNAME = '${LIST_DOMAIN}'`);
    expect(web.content).toContain(`ALLOWED_HOSTS = ['mailman.${MAIL_DOMAIN}', 'localhost']`);
    expect(web.content).not.toContain('localhost.local');
  });

  it("hands the list domains' mail to Mailman's LMTP through the maps Mailman writes", () => {
    const main = fileOf('/etc/postfix/main.cf')!.content;
    expect(main).toContain('transport_maps = hash:/var/lib/mailman3/data/postfix_lmtp\n');
    expect(main).toContain('relay_domains = hash:/var/lib/mailman3/data/postfix_domains\n');
    const command = convergeModel(model, vm).commands.find((c) => c.name.startsWith('Mailman has'))!;
    expect(command.argv).toEqual(['runuser', '-u', 'list', '--', 'python3', '-', LIST_DOMAIN]);
  });

  it('serves the web UI to the proxies from nginx on the VM under /mailman3/, for its web names and core', () => {
    const site = fileOf('/etc/nginx/sites-enabled/mailman3')!.content;
    expect(site).toContain(`server_name mailman.${MAIL_DOMAIN} localhost;`);
    // Where the catalog's health check and HyperKitty's base_url (core's archiver on localhost) look.
    const web = model.services.instances.find((i) => i.vm.name === LISTS_VM)!.def.web!;
    expect(site).toContain(`location ${web.health.path} {`);
    expect(fileOf('/etc/mailman3/mailman-hyperkitty.cfg')!.content).toContain(
      'base_url: http://localhost/mailman3/hyperkitty/',
    );
  });

  it("migrates the web database and keeps its superuser, the password only in the task's environment", () => {
    const commands = convergeModel(model, vm).commands;
    const migrate = commands.find((c) => c.name.includes('migration'))!;
    expect(migrate.argv).toEqual(['runuser', '-u', 'www-data', '--', 'python3', '-']);
    expect(migrate.stdin).toContain("call_command('migrate'");
    const admin = commands.find((c) => c.name.includes('superuser'))!;
    expect(admin.argv).toEqual([
      'runuser',
      '-u',
      'www-data',
      '--',
      'python3',
      '-',
      'admin',
      `postmaster@${LIST_DOMAIN}`,
    ]);
    expect(Object.values(admin.secretEnv ?? {})).toEqual([`${scope}/web-admin-password`]);
  });

  it('has the playbook start core, the web UI, Postfix and nginx after its commands, where systemd runs', () => {
    const vmModel = convergeModel(model, vm);
    expect(vmModel.services).toEqual(
      expect.arrayContaining(['mailman3', 'mailman3-web', 'postfix', 'nginx']),
    );
    const play = (
      parse(renderPlaybook(vmModel), { customTags: ANSIBLE_YAML_TAGS }) as {
        tasks: Record<string, unknown>[];
      }[]
    )[0]!;
    const names = play.tasks.map((t) => t.name);
    const start = play.tasks.find((t) => t.name === 'Start the services')!;
    // Only where systemd runs (not in a chroot or an image build), and after the web set-up it needs.
    expect(start.when).toBe('infra_systemd_booted.stat.exists');
    expect(start.loop).toEqual(expect.arrayContaining(['mailman3', 'mailman3-web']));
    expect(names.indexOf('Start the services')).toBeGreaterThan(
      names.indexOf(`Mailman web has its superuser admin`),
    );
  });

  it('leaves its configuration to converge: cloud-init has no secret and no Mailman file', () => {
    const cloud = parse(renderCloudConfig(model, vm)) as { write_files: { path: string }[] };
    expect(cloud.write_files.map((f) => f.path).filter((p) => p.includes('mailman'))).toEqual([]);
    expect(convergeModel(model, vm).packages).not.toContain('nullmailer');
  });
});
