// Nextcloud and MoinMoin converged for real into a bookworm root from a loopback HTTP server: their
// configuration placed from a secrets vars file and judged by Debian's php, nginx, php-fpm, python3 and
// systemd-analyze, the once-only steps run once (a second converge is changed=0). No real Nextcloud or moin
// can be downloaded here (only Debian's mirror and npm are reachable): their artifacts are stand-ins that keep
// state as occ and moin would, so the playbook's guards, not the applications, are what this judges.
// Skipped with a printed reason where the tools or root are missing (.ci/run installs them; CI runs as root).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlaybook } from '../baseline/ansible.ts';
import { appFacts } from '../baseline/app-facts.ts';
import { MOIN_CONFIG, moinParts } from '../baseline/moinmoin.ts';
import { NEXTCLOUD_CONFIG, nextcloudPart } from '../baseline/nextcloud.ts';
import { secretVarsFile } from '../baseline/secret-vars.ts';
import { modelFromParts } from '../baseline/vm-model.ts';
import type { Release } from '../inventory/releases.schema.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import { appsFixture } from './helpers/apps-org.ts';
import { debianRoot, hostRoot, inRoot, rootUnavailable, runCleanups } from './helpers/debian-root.ts';
import { chrootInventory, type PlaybookRun, runPlaybook } from './helpers/playbook.ts';
import { type ReleaseServer, startReleaseServer } from './helpers/release-server.ts';

const UNAVAILABLE = rootUnavailable();
if (UNAVAILABLE) console.warn(`skipping the application real-root tests: ${UNAVAILABLE}`);

const work = mkdtempSync(join(tmpdir(), 'apps-root-'));
const root = join(work, 'root');
const cleanups: (() => void)[] = [];
let server: ReleaseServer | undefined;
let model: Model;
let playbook = '';
let hosts = '';
const vars = join(work, 'secrets.yml');
/** Throwaway values of every secret, letters and digits like the store's. */
const value = (key: string): string =>
  `throwaway${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

/** Stand-in for Nextcloud's occ: keeps the state occ would (config.php, app config, apps) in its config dir. */
const OCC = `<?php
// Stand-in for occ in a test: records what the playbook asked, answers as occ would.
$dir = getenv('NEXTCLOUD_CONFIG_DIR');
$args = array_slice($argv, 1);
$file = "$dir/standin.json";
$s = file_exists($file) ? json_decode(file_get_contents($file), true) : [];
$opt = function ($name) use ($args) { $i = array_search($name, $args); return $i === false ? null : $args[$i + 1]; };
switch ($args[0]) {
  case 'maintenance:install':
    $s['install'] = ($s['install'] ?? 0) + 1;
    $s['admin-pass'] = $opt('--admin-pass');
    $s['database-pass'] = $opt('--database-pass');
    $s['database-host'] = $opt('--database-host');
    file_put_contents("$dir/config.php", "<?php\\n\\$CONFIG = array (\\n  'installed' => true,\\n);\\n");
    echo "Nextcloud was successfully installed\\n";
    break;
  case 'status':
    echo json_encode(['installed' => true, 'needsDbUpgrade' => false]), "\\n";
    break;
  case 'config:app:get':
    echo $s[$args[1] . '/' . $args[2]] ?? '', "\\n";
    break;
  case 'config:app:set':
    $s[$args[1] . '/' . $args[2]] = $opt('--value');
    echo "Config value '{$args[2]}' for app '{$args[1]}' set\\n";
    break;
  case 'background:cron':
    $s['core/backgroundjobs_mode'] = 'cron';
    echo "Set mode for background jobs to 'cron'\\n";
    break;
  case 'app:install':
    mkdir("/var/lib/nextcloud/apps/{$args[1]}");
    echo "{$args[1]} installed\\n";
    break;
}
file_put_contents($file, json_encode($s));
`;

/** A tar.bz2 with nextcloud/ at its top, like the upstream's: the stand-in occ and cron.php. */
function nextcloudTarball(): Buffer {
  const dir = mkdtempSync(join(work, 'nc-'));
  mkdirSync(join(dir, 'nextcloud', 'apps'), { recursive: true });
  writeFileSync(join(dir, 'nextcloud', 'occ'), OCC);
  writeFileSync(join(dir, 'nextcloud', 'cron.php'), '<?php\n');
  writeFileSync(join(dir, 'nextcloud', 'index.php'), '<?php\n');
  execFileSync('tar', ['-cjf', join(dir, 'a.tar.bz2'), '-C', dir, 'nextcloud']);
  return readFileSync(join(dir, 'a.tar.bz2'));
}

/** A dependency-free wheel named moin whose `moin index-create` makes the index directory, as moin's does. */
function moinWheel(): Buffer {
  const path = join(work, 'moin-2.0.0-py3-none-any.whl');
  const script = `import sys, zipfile
files = {
  'moin/__init__.py': '',
  'moin/cli.py': 'import os, sys\\ndef main():\\n    if sys.argv[1] == "index-create":\\n        os.makedirs("/srv/moin/wiki/index")\\n',
  'moin-2.0.0.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: moin\\nVersion: 2.0.0\\n',
  'moin-2.0.0.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
  'moin-2.0.0.dist-info/entry_points.txt': '[console_scripts]\\nmoin = moin.cli:main\\n',
}
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for name, text in files.items():
        z.writestr(name, text)
    z.writestr('moin-2.0.0.dist-info/RECORD', ''.join(f'{n},,\\n' for n in files) + 'moin-2.0.0.dist-info/RECORD,,\\n')
`;
  execFileSync('python3', ['-c', script, path]);
  return readFileSync(path);
}

function publish(path: string, bytes: Buffer, version: string, base: string): Release {
  server!.served.set(path, bytes);
  return { version, url: `${base}${path}`, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function writePlaybook(base: string): void {
  const inventory = model.inventory;
  const instance = (kind: string) => model.services.instances.find((i) => i.kind === kind)!;
  const nextcloud = appFacts(
    model,
    instance('nextcloud'),
    publish('/nextcloud-30.0.8.tar.bz2', nextcloudTarball(), '30.0.8', base),
  );
  const moin = appFacts(
    model,
    instance('moinmoin'),
    publish('/moin-2.0.0-py3-none-any.whl', moinWheel(), '2.0.0', base),
  );
  // One root for both applications: the Nextcloud VM's model with MoinMoin's parts beside them.
  const vm = inventory.vms.find((v) => v.name === 'nc1')!;
  const parts = [
    { name: 'admin group', groups: [inventory.org.admin.group] },
    nextcloudPart(model, nextcloud),
    ...moinParts(moin, inventory.org.timezone),
  ];
  playbook = join(work, 'apps.yml');
  writeFileSync(
    playbook,
    renderPlaybook(modelFromParts(inventory, vm, parts, [])).replaceAll(
      'hosts: !unsafe "nc1"',
      'hosts: !unsafe "apps"',
    ),
  );
}

const converge = (): Promise<PlaybookRun> => runPlaybook(hosts, playbook, ['-e', `@${vars}`]);
const inside = (path: string): string => join(root, path);

beforeAll(async () => {
  if (UNAVAILABLE) return;
  server = await startReleaseServer();
  const base = server.base;
  const dir = join(work, 'inventory');
  mkdirSync(join(work, 'keys'));
  appsFixture(dir, join(work, 'keys'));
  model = deriveModel(loadInventory(dir).inventory!);
  writeFileSync(
    vars,
    secretVarsFile(new Map(secretNeeds(model).map((n) => [secretKey(n), value(secretKey(n))]))),
    {
      mode: 0o600,
    },
  );
  const started = performance.now();
  const built = debianRoot([
    'python3',
    // On a VM it comes with unattended-upgrades at first boot. Ansible's apt module needs it, and under
    // Mitogen it cannot install it and start again under another Python as it does without.
    'python3-apt',
    'systemd',
    'php-cli',
    'php-fpm',
    'nginx',
    'python3-venv',
    'redis-server',
  ]);
  cleanups.push(hostRoot(built.dir, root));
  console.info(`debian root ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${built.dir})`);
  hosts = chrootInventory(work, 'apps', root);
  writePlaybook(base);
}, 1_800_000);

afterAll(async () => {
  await server?.close();
  runCleanups(cleanups, work);
});

describe.skipIf(UNAVAILABLE)('Nextcloud and MoinMoin converged into a real Debian root', () => {
  let first: PlaybookRun;

  it('installs both releases and runs the once-only steps with the passwords from the vars file', async () => {
    first = await converge();
    expect(first.failed, first.output).toEqual([]);
    expect(first.status, first.output).toBe(0);
    expect(readlinkSync(inside('/opt/nextcloud/current'))).toBe('/opt/nextcloud/30.0.8');
    const state = JSON.parse(readFileSync(inside('/etc/nextcloud/standin.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      install: 1,
      'admin-pass': value('service/nextcloud-nc1/admin-password'),
      'database-pass': value('service/nextcloud-nc1/db-password'),
      'database-host': 'db1.fixture.example.org',
      'core/backgroundjobs_mode': 'cron',
      'richdocuments/wopi_url': 'https://office.fixture.example.org',
    });
    expect(existsSync(inside('/var/lib/nextcloud/apps/richdocuments'))).toBe(true);
    expect(existsSync(inside('/srv/moin/wiki/index'))).toBe(true);
    // The secrets reached the files and not the output.
    expect(first.output).not.toContain(value('service/nextcloud-nc1/admin-password'));
  }, 1_200_000);

  it("loads infra.config.php with Debian's PHP, the store's values placed", () => {
    expect(inRoot(root, ['php', '-l', NEXTCLOUD_CONFIG]).status).toBe(0);
    const load = inRoot(root, ['php', '-r', `include '${NEXTCLOUD_CONFIG}'; echo json_encode($CONFIG);`]);
    expect(load.status, load.output).toBe(0);
    expect(JSON.parse(load.output)).toMatchObject({
      dbpassword: value('service/nextcloud-nc1/db-password'),
      secret: value('service/nextcloud-nc1/instance-secret'),
      trusted_domains: ['cloud.fixture.example.org', 'files.fixture.example.org'],
    });
    const mode = spawnSync('stat', ['-c', '%a %U:%G', inside(NEXTCLOUD_CONFIG)], {
      encoding: 'utf8',
    }).stdout.trim();
    expect(mode).toBe('640 root:www-data');
  });

  it('passes nginx -t, php-fpm -t and compiles wikiconfig.py in the venv', () => {
    const nginx = inRoot(root, ['nginx', '-t']);
    expect(nginx.status, nginx.output).toBe(0);
    const fpm = inRoot(root, ['php-fpm8.2', '-t']);
    expect(fpm.status, fpm.output).toBe(0);
    const py = inRoot(root, ['/opt/moinmoin/current/venv/bin/python3', '-m', 'py_compile', MOIN_CONFIG]);
    expect(py.status, py.output).toBe(0);
  });

  it('writes units that systemd-analyze verify accepts in the root', () => {
    for (const unit of ['nextcloud-cron.service', 'nextcloud-cron.timer', 'moinmoin.service']) {
      const verify = inRoot(root, ['systemd-analyze', 'verify', `/etc/systemd/system/${unit}`]);
      expect(verify.status, `${unit}: ${verify.output}`).toBe(0);
    }
    const cron = readFileSync(inside('/etc/systemd/system/nextcloud-cron.service'), 'utf8');
    expect(cron).toMatch(/^ProtectSystem=strict$/m);
    expect(cron).toMatch(
      /^ReadWritePaths=\/etc\/nextcloud \/var\/lib\/nextcloud\/apps \/srv\/nextcloud\/data$/m,
    );
  });

  it('changes nothing on the second run: no install, no step, no file', async () => {
    const second = await converge();
    expect(second.status, second.output).toBe(0);
    expect(second.changed).toEqual([]);
    const state = JSON.parse(readFileSync(inside('/etc/nextcloud/standin.json'), 'utf8')) as {
      install: number;
    };
    expect(state.install).toBe(1);
  }, 1_200_000);
});
