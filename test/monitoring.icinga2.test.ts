// The rendered configuration passes the real `icinga2 daemon -C` (Debian's icinga2 2.13, its ITL), run as
// the current user in a temporary directory; a broken one fails. Skipped with a reason without icinga2.
import { deriveModel } from '../model/derive.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleInventory, fixtureInventory } from './helpers/inventories.ts';
import { monitoringModel } from '../monitoring/model.ts';
import { icingaCounts, icingaString, renderIcinga2 } from '../monitoring/icinga2.ts';

const ICINGA2 =
  spawnSync('sh', ['-c', 'command -v icinga2'], { encoding: 'utf8' }).stdout.trim() || undefined;
const ITL = spawnSync('test', ['-d', '/usr/share/icinga2/include'], {}).status === 0;
if (!ICINGA2 || !ITL)
  console.warn('icinga2 or its ITL is not installed (apt-get install icinga2-bin icinga2-common): skipping');

const work = mkdtempSync(join(tmpdir(), 'icinga2-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Validates a set of files as the master would load them: a minimal icinga2.conf defines the constants
 * Debian's constants.conf defines, includes the ITL and the files, and every path icinga2 writes to is
 * overridden (-D) into the temporary directory, with itself as RunAsUser, so no root and no /var is needed.
 */
function validate(
  name: string,
  files: ReadonlyMap<string, string>,
): { status: number | null; output: string } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const sub of ['data', 'log', 'cache', 'spool', 'run']) mkdirSync(join(dir, sub), { recursive: true });
  for (const [file, text] of files) writeFileSync(join(dir, file), text);
  const conf = [
    'const PluginDir = "/usr/lib/nagios/plugins"',
    'const PluginContribDir = "/usr/lib/nagios/plugins"',
    'const ManubulonPluginDir = "/usr/lib/nagios/plugins"',
    'const NodeName = "icinga.example.org"',
    'const ZoneName = "master"',
    'const TicketSalt = ""',
    'include <itl>',
    'include <plugins>',
    'include <plugins-contrib>',
    ...[...files.keys()].map((f) => `include "${f}"`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'icinga2.conf'), conf);
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  const run = spawnSync(
    ICINGA2!,
    [
      'daemon',
      '-C',
      '-c',
      join(dir, 'icinga2.conf'),
      `-DDataDir=${join(dir, 'data')}`,
      `-DLogDir=${join(dir, 'log')}`,
      `-DCacheDir=${join(dir, 'cache')}`,
      `-DSpoolDir=${join(dir, 'spool')}`,
      `-DInitRunDir=${join(dir, 'run')}`,
      `-DRunAsUser=${userInfo().username}`,
      `-DRunAsGroup=${group}`,
    ],
    { encoding: 'utf8' },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe.skipIf(!ICINGA2 || !ITL)('icinga2 daemon -C', () => {
  it('accepts the configuration of the example and instantiates exactly the counted hosts and services', () => {
    const inventory = exampleInventory();
    const result = validate('example', renderIcinga2(deriveModel(inventory)));
    expect(result.status, result.output).toBe(0);
    const counts = icingaCounts(monitoringModel(deriveModel(inventory)));
    expect(result.output).toContain(`Instantiated ${counts.hosts} Hosts.`);
    expect(result.output).toContain(`Instantiated ${counts.services} Services.`);
    // The master's zone, one per satellite and the global zone of the commands.
    const satellites = inventory.vms.filter((vm) => vm.services.some((s) => s.kind === 'icinga2-satellite'));
    expect(result.output).toContain(`Instantiated ${2 + satellites.length} Zones.`);
  });

  it('rejects a configuration whose check uses a command that does not exist', () => {
    const inventory = fixtureInventory();
    const files = renderIcinga2(deriveModel(inventory));
    const services = files
      .get('services.conf')!
      .replace('check_command = "ssh"', 'check_command = "no_such_command"');
    const result = validate('broken', new Map([...files, ['services.conf', services]]));
    expect(result.status).toBe(1);
    expect(result.output).toContain('Error: Validation failed for object');
    expect(result.output).toContain("Object 'no_such_command' of type 'CheckCommand' does not exist.");
  });

  it('keeps hostile text a string: quotes, braces, macros, backslashes and control characters add no object', () => {
    const inventory = exampleInventory();
    // The nastiest location the grammar accepts: it tries to close the string and open a Host.
    const location = 'x" } object Host "evil" { check_command = "dummy" } // $host.name$ \\';
    const sites = inventory.sites.map((site, i) => (i === 0 ? { ...site, location } : site));
    const files = renderIcinga2(deriveModel({ ...inventory, sites }));
    expect(files.get('groups.conf')).toContain(icingaString(`Site ${sites[0]!.name} (${location})`));
    // And text the grammar refuses, quoted all the same: a line break, ESC, NUL, DEL.
    const raw = 'a\nb\u001b[31m\u0000c\u007f"d\\';
    const extra = `object Host ${icingaString(raw)} {\n  check_command = "dummy"\n  display_name = ${icingaString(raw)}\n}\n`;
    const result = validate('hostile', new Map([...files, ['hostile.conf', extra]]));
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain(
      `Instantiated ${icingaCounts(monitoringModel(deriveModel(inventory))).hosts + 1} Hosts.`,
    );
  });
});

describe.skipIf(!ICINGA2 || !ITL)('icinga2 daemon -C: on-call members', () => {
  it('instantiates one User per on-call member, their group and one notification per host and service', async () => {
    const { fixtureOrg, FIXTURE_TODAY } = await import('./helpers/members.ts');
    const { loadInventory } = await import('../model/load.ts');
    const inventory = loadInventory(fixtureOrg(), { today: FIXTURE_TODAY }).inventory!;
    const files = renderIcinga2(deriveModel(inventory));
    expect(files.get('users.conf')).toContain('object User "ada" {');
    expect(files.get('users.conf')).not.toContain('object User "cy"');
    const result = validate('oncall', files);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('Instantiated 2 Users.');
    expect(result.output).toContain('Instantiated 1 UserGroup.');
    const counts = icingaCounts(monitoringModel(deriveModel(inventory)));
    expect(result.output).toContain(`Instantiated ${counts.hosts + counts.services} Notifications.`);
  });

  it('an organisation with nobody on call gets no users.conf', () => {
    expect(renderIcinga2(deriveModel(fixtureInventory())).has('users.conf')).toBe(false);
  });
});
