// The applications' configuration files, judged by their own languages' parsers (php, python3, JSON, YAML) and
// against the keys and types of the upstream's sample for the pinned version (test/fixtures/upstream/), with the
// fixture organisation's exact values; the quoting functions against hostile text; the playbooks they go into.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Task } from '../baseline/ansible-text.ts';
import { accountsEnvironment, environmentFile } from '../baseline/accounts.ts';
import { renderPlaybook, UNSAFE_TAG } from '../baseline/ansible.ts';
import { appFacts, type AppFacts } from '../baseline/app-facts.ts';
import { phpString, pythonString } from '../baseline/app-text.ts';
import { etherpadConfig } from '../baseline/etherpad.ts';
import { moinConfig } from '../baseline/moinmoin.ts';
import { NEXTCLOUD_CONFIG, nextcloudConfig } from '../baseline/nextcloud.ts';
import { peertubeConfig, runnerTokenCommand } from '../baseline/peertube.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { loadInventory } from '../model/load.ts';
import { secretNeeds } from '../model/secret-needs.ts';
import { monitoringModel } from '../monitoring/model.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { appsFixture } from './helpers/apps-org.ts';
import { exampleInventory } from './helpers/inventories.ts';

const UNSAFE = [{ tag: UNSAFE_TAG, resolve: (s: string) => s }];
const work = mkdtempSync(join(tmpdir(), 'apps-config-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const NO_PHP = has('php') ? undefined : 'php is not installed (.ci/run installs php-cli)';
if (NO_PHP) console.warn(`skipping the PHP checks: ${NO_PHP}`);

/** A throwaway store value per key: letters and digits, like the store's (never a real secret). */
const ref = (key: string): string =>
  `throwaway${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

let model: Model;
let count = 0;
function file(name: string, text: string): string {
  const path = join(work, `${count++}-${name}`);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  const dir = join(work, 'inventory');
  mkdirSync(join(work, 'keys'));
  appsFixture(dir, join(work, 'keys'));
  const result = loadInventory(dir);
  if (!result.model) throw new Error(result.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  model = result.model;
});

function facts(kind: string): AppFacts {
  const instance = model.services.instances.find((i) => i.kind === kind)!;
  return appFacts(model, instance, model.inventory.releases[kind]!);
}

type Shape = Map<string, string>;

/** Every key path of a parsed configuration with its type; nested keys joined by `/`, list items as `*`. */
function shape(value: unknown, path = '', out: Shape = new Map()): Shape {
  if (Array.isArray(value)) {
    if (path) out.set(path, 'list');
    for (const item of value) shape(item, `${path}/*`, out);
  } else if (value !== null && typeof value === 'object') {
    if (path) out.set(path, 'map');
    for (const [k, v] of Object.entries(value)) shape(v, path ? `${path}/${k}` : k, out);
  } else if (typeof value === 'number') out.set(path, Number.isInteger(value) ? 'integer' : 'number');
  else out.set(path, value === null ? 'null' : typeof value);
  return out;
}

/** The paths whose key the upstream's sample lacks or whose type differs from it (`*` matches any key). */
function unknownKeys(config: unknown, sample: string): string[] {
  const known = (
    JSON.parse(readFileSync(`test/fixtures/upstream/${sample}`, 'utf8')) as { keys: Record<string, string> }
  ).keys;
  const patterns = Object.entries(known).map(([k, type]) => ({ parts: k.split('/'), type }));
  const bad: string[] = [];
  for (const [path, type] of shape(config)) {
    const parts = path.split('/');
    const match = patterns.find(
      (p) => p.parts.length === parts.length && p.parts.every((s, i) => s === '*' || s === parts[i]),
    );
    const fits = match && (match.type === type || (match.type === 'number' && type === 'integer'));
    if (!fits) bad.push(`${path}: ${type}${match ? `, sample says ${match.type}` : ', not in the sample'}`);
  }
  return bad;
}

const HOSTILE = [
  "it's",
  'back\\slash',
  'ends in a backslash\\',
  "\\'",
  "'); system('id'); //",
  '\'.system("id").\'',
  '?><?php system("id"); ?>',
  '${PATH} $HOME {$x}',
  'two\nlines\r\n\ttab',
  '\'\'\'triple\'\'\' """double"""',
  'nul\u0000byte',
  'ünïcødé 雪 \u2028 line separator',
  '{{ lookup("pipe", "id") }}',
];

describe('the quoting functions keep any text one literal', () => {
  it.skipIf(NO_PHP)('phpString: PHP reads back exactly the text', () => {
    const script = file('quote.php', `<?php\necho json_encode([${HOSTILE.map(phpString).join(', ')}]);\n`);
    const run = spawnSync('php', ['-f', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(HOSTILE);
  });

  it('pythonString: Python reads back exactly the text, a lone surrogate included', () => {
    const texts = [...HOSTILE, 'lone \ud800 surrogate', 'del\u007f and c1\u0085'];
    const script = file(
      'quote.py',
      `import json\nprint(json.dumps([${texts.map(pythonString).join(', ')}]))\n`,
    );
    const run = spawnSync('python3', [script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(texts);
  });
});

describe("Nextcloud's infra.config.php", () => {
  it.skipIf(NO_PHP)('passes php -l and loads with the values of the model and the store', () => {
    const path = file('infra.config.php', nextcloudConfig(facts('nextcloud'), ref));
    const lint = spawnSync('php', ['-l', path], { encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    const load = spawnSync('php', ['-r', `include ${phpString(path)}; echo json_encode($CONFIG);`], {
      encoding: 'utf8',
    });
    expect(load.status, load.stderr).toBe(0);
    const config = JSON.parse(load.stdout) as Record<string, unknown>;
    expect(config).toMatchObject({
      trusted_domains: ['cloud.fixture.example.org', 'files.fixture.example.org'],
      trusted_proxies: ['2001:db8:1::a', '192.0.2.10', '2001:db8:1::b', '192.0.2.11'],
      'overwrite.cli.url': 'https://cloud.fixture.example.org',
      overwriteprotocol: 'https',
      dbtype: 'pgsql',
      dbhost: 'db1.fixture.example.org:5432',
      dbname: 'nextcloud_nc1',
      dbuser: 'nextcloud_nc1',
      dbpassword: ref('service/nextcloud-nc1/db-password'),
      'memcache.local': '\\OC\\Memcache\\APCu',
      'memcache.distributed': '\\OC\\Memcache\\Redis',
      'memcache.locking': '\\OC\\Memcache\\Redis',
      redis: { host: '127.0.0.1', port: 6379 },
      mail_smtpmode: 'smtp',
      mail_smtphost: 'mail.fixture.example.org',
      mail_smtpport: 25,
      secret: ref('service/nextcloud-nc1/instance-secret'),
      passwordsalt: ref('service/nextcloud-nc1/password-salt'),
    });
    expect(unknownKeys(config, 'nextcloud-30.json')).toEqual([]);
  });
});

describe("Etherpad's settings.json", () => {
  it('is JSON with PostgreSQL, the admin from the store and trustProxy, keys as in the template', () => {
    const settings = JSON.parse(etherpadConfig(facts('etherpad'), 9001, ref)) as Record<string, unknown>;
    expect(settings).toMatchObject({
      port: 9001,
      trustProxy: true,
      showSettingsInAdminPage: false,
      dbType: 'postgres',
      dbSettings: {
        host: 'db1.fixture.example.org',
        port: 5432,
        database: 'etherpad_pad1',
        user: 'etherpad_pad1',
        password: ref('service/etherpad-pad1/db-password'),
      },
      users: { admin: { password: ref('service/etherpad-pad1/admin-password'), is_admin: true } },
    });
    expect(unknownKeys(settings, 'etherpad-2.json')).toEqual([]);
  });
});

describe("PeerTube's production.yaml", () => {
  it('is YAML with the webserver, PostgreSQL, Redis, its secret, mail and storage, keys as in the example', () => {
    const config = parse(peertubeConfig(facts('peertube'), 9000, ref)) as Record<string, unknown>;
    expect(config).toMatchObject({
      webserver: { https: true, hostname: 'video.fixture.example.org', port: 443 },
      secrets: { peertube: ref('service/peertube-video1/secret') },
      database: {
        hostname: 'db1.fixture.example.org',
        name: 'peertube_prod_video1',
        username: 'peertube_video1',
        password: ref('service/peertube-video1/db-password'),
      },
      redis: { hostname: '127.0.0.1', port: 6379 },
      smtp: { hostname: 'mail.fixture.example.org', port: 25, from_address: 'peertube@fixture.example.org' },
      storage: { web_videos: '/var/lib/peertube/storage/web-videos/' },
    });
    expect(unknownKeys(config, 'peertube-6.json')).toEqual([]);
  });

  it("registers the runners' token from the store, shared with the runner VM, without it in the script", () => {
    const command = runnerTokenCommand(facts('peertube'))!;
    expect(command.secretEnv).toEqual({
      PGPASSWORD: 'service/peertube-video1/db-password',
      INFRA_RUNNER_TOKEN: 'service/peertube-video1/runner-registration-token',
    });
    expect(command.stdin).toContain('\\getenv token INFRA_RUNNER_TOKEN');
    const need = secretNeeds(model).find((n) => n.name === 'runner-registration-token');
    expect(need?.vms).toEqual(['runner1', 'video1']);
  });
});

describe("MoinMoin's wikiconfig.py", () => {
  it('is Python whose names are the upstream config names, with the model and store values', () => {
    const path = file('wikiconfig.py', moinConfig(facts('moinmoin'), 'Europe/Berlin', ref));
    const reader = `import ast, json, sys
tree = ast.parse(open(sys.argv[1]).read())
def names(body):
    out = {}
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for t in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    try:
                        value = ast.literal_eval(node.value)
                        out[t.id] = [type(value).__name__, value]
                    except ValueError:
                        out[t.id] = ['expr', None]
    return out
config = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == 'Config')
print(json.dumps({'config': names(config.body), 'module': names(tree.body)}))
`;
    const run = spawnSync('python3', [file('read.py', reader), path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const found = JSON.parse(run.stdout) as Record<'config' | 'module', Record<string, [string, unknown]>>;
    const sample = JSON.parse(readFileSync('test/fixtures/upstream/moin-2.json', 'utf8')) as Record<
      'config' | 'module',
      Record<string, string>
    >;
    for (const scope of ['config', 'module'] as const)
      for (const [name, [type]] of Object.entries(found[scope]))
        expect(`${scope}.${name}: ${type}`).toBe(`${scope}.${name}: ${sample[scope][name]}`);
    expect(found.config.sitename![1]).toBe('wiki.fixture.example.org');
    expect(found.config.secrets![1]).toBe(ref('service/moinmoin-wiki1/secret-key'));
    expect(found.config.mail_smarthost![1]).toBe('mail.fixture.example.org:25');
    expect(found.module.TRUSTED_HOSTS![1]).toEqual(['wiki.fixture.example.org']);
  });
});

describe("accounts' environment file", () => {
  it('has one NAME=value a line and refuses a value that would need quoting', () => {
    const text = environmentFile(accountsEnvironment(facts('accounts')), ref);
    const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.every((l) => /^[A-Z_]+=[^\s'"\\]+$/.test(l))).toBe(true);
    expect(lines).toContain(`ACCOUNTS_DB_PASSWORD=${ref('service/accounts-id1/db-password')}`);
    expect(() => environmentFile({ X: 'two words' })).toThrow(/needs quoting/);
  });
});

describe('the playbooks of the application VMs', () => {
  const playbook = (vm: string): string =>
    renderPlaybook(
      convergeModel(
        model,
        model.inventory.vms.find((v) => v.name === vm)!,
      ),
    );

  it('install Nextcloud from its release into PHP-FPM, once, with the passwords only as store references', () => {
    const text = playbook('nc1');
    const tasks = (parse(text, { customTags: UNSAFE }) as [{ tasks: Task[] }])[0].tasks;
    const named = (prefix: string): Task => tasks.find((t) => String(t.name).startsWith(prefix))!;
    expect(named('Download nextcloud 30.0.8')['ansible.builtin.get_url']).toMatchObject({
      url: 'https://dl.test.example.org/nextcloud-30.0.8.tar.bz2',
    });
    expect(named(`File ${NEXTCLOUD_CONFIG}`).no_log).toBe(true);
    // Served by PHP-FPM: no unit of its own, FPM restarts when `current` moves.
    expect(tasks.some((t) => String(t.name).includes('/etc/systemd/system/nextcloud.service'))).toBe(false);
    expect(named('Switch /opt/nextcloud/current').notify).toBe('restart release php8.2-fpm');
    const install = named('Install Nextcloud once');
    expect(install.no_log).toBe(true);
    expect(install.environment).toEqual({
      NC_ADMIN_PASSWORD: "{{ secrets['service/nextcloud-nc1/admin-password'] }}",
      NC_DB_PASSWORD: "{{ secrets['service/nextcloud-nc1/db-password'] }}",
    });
    const argv = (install['ansible.builtin.command'] as { argv: string[] }).argv.join(' ');
    expect(argv).toMatch(/'installed' => true.* && exit 0; .*maintenance:install/);
    expect(argv).not.toMatch(/throwaway/);
  });

  it('point richdocuments at the Collabora instance, guarded so a second run changes nothing', () => {
    const text = playbook('nc1');
    expect(text).toContain('config:app:set');
    expect(text).toMatch(/= 'https:\/\/office\.fixture\.example\.org' \] \|\| /);
  });

  it('give nothing to an application releases.yaml does not pin', () => {
    const copy = join(work, 'unpinned');
    mkdirSync(join(work, 'keys2'));
    appsFixture(copy, join(work, 'keys2'));
    const releases = readFileSync(join(copy, 'releases.yaml'), 'utf8');
    writeFileSync(join(copy, 'releases.yaml'), releases.replace(/ {2}etherpad:\n(?: {4}.*\n){3}/, ''));
    const unpinned = deriveModel(loadInventory(copy).inventory!);
    const pad = convergeModel(
      unpinned,
      unpinned.inventory.vms.find((v) => v.name === 'pad1')!,
    );
    expect(pad.releases).toEqual([]);
    expect(pad.files.map((f) => f.path)).not.toContain('/etc/etherpad/settings.json');
  });

  it('pass ansible-playbook --syntax-check and are byte-identical when rendered again', () => {
    for (const vm of ['nc1', 'pad1', 'video1', 'wiki1', 'id1']) {
      const text = playbook(vm);
      expect(playbook(vm)).toBe(text);
      const path = file(`${vm}.yml`, text);
      const hosts = file('hosts.yml', `all:\n  hosts:\n    ${vm}:\n`);
      const run = spawnSync('ansible-playbook', ['--syntax-check', '-i', hosts, path], { encoding: 'utf8' });
      expect(run.status, run.stdout + run.stderr).toBe(0);
    }
  }, 120_000);
});

describe('BigBlueButton, installed by its runbook', () => {
  it('names the runbook on the monitoring host of every VM that runs it, and the runbook exists', () => {
    const example = deriveModel(exampleInventory());
    const hosts = monitoringModel(example).hosts.filter((h) => h.services.includes('bigbluebutton'));
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect(host.runbooks).toEqual(['docs/runbooks/bigbluebutton.md']);
    expect(existsSync('docs/runbooks/bigbluebutton.md')).toBe(true);
    const hostsConf = renderIcinga2(example).get('hosts.conf')!;
    expect(hostsConf).toContain('notes = "Runbook: docs/runbooks/bigbluebutton.md"');
  });
});
