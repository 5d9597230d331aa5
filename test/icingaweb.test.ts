// What the master's playbook writes for Icinga Web 2 and the IDO: exact values on the fixture organisation
// (logins and roles from its members, secrets only as store references, local database dumps in the backup).
// The programs themselves judge the result in test/icingaweb.roots.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isSecretTemplate } from '../baseline/ansible.ts';
import { BORGMATIC_CONFIG } from '../baseline/backup.ts';
import { deriveModel } from '../model/derive.ts';
import { icingawebRoles, icingawebUsers, OPERATOR_PERMISSIONS } from '../model/icingaweb-users.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { icingaIni, icingawebPart } from '../monitoring/icingaweb.ts';
import { vmConvergeModel } from '../monitoring/icinga2-node.ts';
import { icingawebFixture } from './helpers/icingaweb-org.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';

const work = mkdtempSync(join(tmpdir(), 'icingaweb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
icingawebFixture(join(work, 'org'));
const model = deriveModel(validInventory(join(work, 'org')));
const vm = (name: string): ReturnType<typeof vmNamed> => vmNamed(model.inventory, name);
const part = icingawebPart(model, vm('mon'))!;
const file = (path: string): string => part.files!.find((f) => f.path === path)!.content;
const SCOPE = 'service/icinga2-master-mon';

describe('Icinga Web 2 on the Icinga2 master', () => {
  it('gives a login to the members of roles with sudo or on call, and only to them', () => {
    expect(icingawebUsers(model.inventory)).toEqual(['ada', 'bob']);
    const roles = file('/etc/icingaweb2/roles.ini');
    expect(roles).toContain('[admin]\nusers = "ada, bob"\npermissions = "*"\n');
    expect(roles).not.toContain('developer');
    const logins = part.commands!.find((c) => c.name.startsWith('Icinga Web 2 logins'))!;
    expect(logins.argv.slice(-2)).toEqual(['ada', 'bob']);
    // Only where PostgreSQL can answer: a chroot without a server (an image build) leaves it to the VM.
    expect(logins.argv.slice(0, 3)).toEqual(['sh', '-c', expect.stringContaining('pg_isready -q || exit 0')]);
    expect(logins.secretEnv).toEqual({
      INFRA_WEB_PASSWORD_0: `${SCOPE}/web-password-ada`,
      INFRA_WEB_PASSWORD_1: `${SCOPE}/web-password-bob`,
    });
  });

  it('lets an on-call role without sudo see and command the monitoring, but not administer', () => {
    const roles = model.inventory.roles.map((r) => (r.name === 'developer' ? { ...r, oncall: true } : r));
    const web = icingawebRoles({ members: model.inventory.members, roles });
    expect(web.find((r) => r.name === 'developer')).toEqual({
      name: 'developer',
      permissions: [...OPERATOR_PERMISSIONS],
      users: ['ada', 'bob', 'cy'],
    });
  });

  it("declares each login's password and both database roles' passwords in the master's scope", () => {
    const keys = secretNeeds(model)
      .filter((n) => n.scope === SCOPE)
      .map((n) => secretKey(n));
    for (const name of [
      'web-password-ada',
      'web-password-bob',
      'ido-db-password',
      'web-db-password',
      'api-password',
    ])
      expect(keys).toContain(`${SCOPE}/${name}`);
    expect(keys).not.toContain(`${SCOPE}/web-password-cy`);
  });

  it('writes secrets only as store references, into files the playbook templates with no_log', () => {
    const secret = part.files!.filter((f) => f.secret).map((f) => f.path);
    expect(secret.sort()).toEqual([
      '/etc/icinga2/features-available/ido-pgsql.conf',
      '/etc/icingaweb2/modules/monitoring/commandtransports.ini',
      '/etc/icingaweb2/resources.ini',
    ]);
    expect(file('/etc/icingaweb2/resources.ini')).toContain(
      `password = "{{ secrets['${SCOPE}/web-db-password'] }}"`,
    );
    expect(file('/etc/icinga2/features-available/ido-pgsql.conf')).toContain(
      `password = "{{ secrets['${SCOPE}/ido-db-password'] }}"`,
    );
    for (const f of part.files!.filter((x) => !x.secret)) expect(f.content).not.toContain('secrets[');
    const playbookFiles = vmConvergeModel(model, vm('mon')).files.filter((f) => f.secret);
    for (const f of playbookFiles) expect(f.content).toMatch(/\{\{ secrets\['/);
    // The API user Icinga Web 2 sends commands as, with the store's password, beside the ticket salt.
    const api = playbookFiles.find((f) => f.path === '/etc/icinga2/features-available/api.conf')!;
    expect(api.content).toContain(
      `object ApiUser "icingaweb2" {\n  password = "{{ secrets['${SCOPE}/api-password'] }}"`,
    );
    expect(isSecretTemplate(`{{ secrets['${SCOPE}/api-password'] }}`)).toBe(true);
  });

  it('refuses an INI value PHP would read otherwise (a quote, a backslash, a variable, a line break)', () => {
    for (const bad of ['a"b', 'a\\b', '${HOME}', 'a\nb'])
      expect(() => icingaIni([['s', [['k', bad]]]])).toThrow(/Icinga Web 2 INI value/);
    expect(icingaIni([['s', [['k', 'ok, fine']]]])).toContain('[s]\nk = "ok, fine"\n');
  });

  it('reads monitoring data from the IDO and sends commands through the API', () => {
    expect(file('/etc/icingaweb2/modules/monitoring/backends.ini')).toContain(
      '[icinga]\ntype = "ido"\nresource = "icinga_ido"\n',
    );
    expect(file('/etc/icingaweb2/modules/monitoring/commandtransports.ini')).toContain(
      'transport = "api"\nhost = "localhost"\nport = "5665"\nusername = "icingaweb2"\n',
    );
    expect(file('/etc/icingaweb2/authentication.ini')).toContain('backend = "db"\nresource = "icingaweb_db"');
  });

  it("dumps both databases of the master's own PostgreSQL in its nightly backup, as postgres", () => {
    const config = vmConvergeModel(model, vm('mon')).files.find((f) => f.path === BORGMATIC_CONFIG)!;
    const hooks = (parse(config.content) as { hooks: { postgresql_databases: unknown[] } }).hooks;
    expect(hooks.postgresql_databases).toEqual(
      ['icinga2_ido', 'icingaweb2'].map((name) => ({
        name,
        pg_dump_command: 'runuser -u postgres -- pg_dump',
        psql_command: 'runuser -u postgres -- psql',
      })),
    );
  });

  it('puts nothing of this on the other VMs', () => {
    expect(icingawebPart(model, vm('sat'))).toBeUndefined();
    expect(icingawebPart(model, vm('git'))).toBeUndefined();
  });
});
