// End to end on loopback: pebble (an RFC 8555 CA) validates DNS-01 against a real knotd running the primary's
// generated knot.conf; Ansible writes the TSIG key files from a secrets vars file; certbot with the generated
// configuration obtains the certificate and the generated deploy hook puts it where nginx reads it. The same
// key is refused for another name and for another record type.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Document } from 'yaml';
import { ansibleValue, convergeTasks } from '../baseline/ansible.ts';
import {
  acmeKeyName,
  acmeSecretName,
  CERTBOT_CONFIG,
  CERTBOT_CREDENTIALS,
  DEPLOY_HOOK,
} from '../baseline/certificates.ts';
import { KNOT_CONF, KNOT_KEYS, knotKeyFile } from '../baseline/knot.ts';
import { NGINX_CERTS } from '../baseline/nginx.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { renderZone } from '../dns/zonefile.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import {
  freePort,
  type KnotServer,
  makeKey,
  missingDnsTools,
  nsupdate,
  runKnot,
  type TsigKey,
} from './helpers/knot.ts';
import { type Pebble, startPebble } from './helpers/pebble.ts';
import { removeVariants, variantDir } from './helpers/variant.ts';

const DNS_ORG = resolve('test/fixtures/dns/org');
const PROXY = 'proxy1';
const NAME = 'code.test.example.org';

function missingTools(): string[] {
  const missing = missingDnsTools();
  for (const tool of ['pebble', 'certbot', 'nginx', 'openssl', 'unshare', 'ansible-playbook'])
    if (spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0)
      missing.push(tool);
  if (spawnSync('/usr/bin/python3', ['-c', 'import certbot_dns_rfc2136']).status !== 0)
    missing.push('python3-certbot-dns-rfc2136');
  return missing;
}
const MISSING = missingTools();
if (MISSING.length > 0)
  console.warn(`skipping the ACME DNS-01 end-to-end test: missing ${MISSING.join(', ')}`);

/** `text` with `from` replaced by `to`; throws when `from` is not there (the generated file changed shape). */
function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`expected ${JSON.stringify(from)} in:\n${text}`);
  return text.replaceAll(from, to);
}

/** The primary's generated knot.conf, moved from /etc, /run, /var and port 53 into `dir` and `port`. */
function localKnotConf(model: Model, dir: string, port: number): string {
  const file = convergeModel(model, vmNamed(model.inventory, 'ns1')).files.find((f) => f.path === KNOT_CONF);
  let conf = file!.content;
  conf = swap(conf, '/etc/knot/keys/', `${dir}/keys/`);
  conf = swap(conf, '  rundir: /run/knot', `  rundir: ${dir}/run`);
  conf = swap(conf, '  user: knot:knot\n', '');
  // The secondary is not here: a NOTIFY to it would hold each zone's updates until it times out.
  conf = swap(conf, '    notify: [ ns2 ]\n', '');
  conf = swap(conf, '  listen: [ ::@53, 0.0.0.0@53 ]', `  listen: 127.0.0.1@${port}`);
  conf = swap(conf, '  - target: syslog\n    any: info', '  - target: stderr\n    any: warning');
  return swap(conf, '/var/lib/knot', `${dir}/db`);
}

/** The generated file tasks for `paths` of a VM's playbook, writing under `root` instead of `/`. */
function fileTasks(
  model: Model,
  vm: string,
  paths: readonly string[],
  root: string,
): Record<string, unknown>[] {
  const tasks = convergeTasks(convergeModel(model, vmNamed(model.inventory, vm)));
  return paths.map((path) => {
    const task = tasks.find((t) => t.name === `File ${path}`);
    if (!task) throw new Error(`no task writes ${path} on ${vm}`);
    const copy = task['ansible.builtin.copy'] as Record<string, unknown>;
    const { notify: _notify, ...rest } = task;
    return { ...rest, 'ansible.builtin.copy': { ...copy, dest: join(root, path) } };
  });
}

/** Runs the tasks on this machine with the secrets vars file, as converge hands it over; returns the output. */
function runPlaybook(dir: string, tasks: Record<string, unknown>[], secrets: Record<string, string>): string {
  const play = new Document([
    // Through the generator's one emitter, as a playbook writes them: text !unsafe, secret files as templates.
    {
      name: 'ACME files',
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      tasks: ansibleValue(tasks),
    },
  ]);
  writeFileSync(join(dir, 'play.yml'), play.toString({ lineWidth: 0 }));
  const vars = join(dir, 'secrets.yml');
  const values = Object.entries(secrets).map(
    ([k, v]) => `  ${JSON.stringify(k)}: !unsafe ${JSON.stringify(v)}`,
  );
  writeFileSync(vars, `secrets:\n${values.join('\n')}\n`, { mode: 0o600 });
  for (const p of tasks.map((t) => (t['ansible.builtin.copy'] as { dest: string }).dest))
    mkdirSync(join(p, '..'), { recursive: true });
  const run = spawnSync(
    'ansible-playbook',
    ['-v', '-i', 'localhost,', join(dir, 'play.yml'), '-e', `@${vars}`],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_LOCAL_TEMP: join(dir, 'ansible-tmp'),
        ANSIBLE_HOME: join(dir, 'ansible-home'),
      },
    },
  );
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`ansible-playbook failed:\n${output}`);
  return output;
}

/**
 * Runs certbot (`argv`) and then `nginx -t` where /etc/letsencrypt and /etc/nginx are the test's: a mount
 * namespace of their own, so the generated paths are used as they are. certbot trusts pebble's listener.
 */
function certbotInNamespace(
  root: string,
  nginx: string,
  argv: readonly string[],
): ReturnType<typeof spawnSync> {
  const dir = join(root, '..');
  const script = [
    'set -e',
    `mount --bind ${join(root, 'etc/letsencrypt')} /etc/letsencrypt`,
    `mount --bind ${nginx} /etc/nginx`,
    // Within spawnSync's limit, so a stuck certbot is stopped too, not only unshare.
    `timeout 100 "$@" --work-dir ${join(dir, 'certbot-work')} --logs-dir ${join(dir, 'certbot-logs')}`,
    'nginx -t',
  ].join('\n');
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', ...argv], {
    encoding: 'utf8',
    env: { ...process.env, REQUESTS_CA_BUNDLE: caBundle },
    timeout: 120_000,
  });
}

let caBundle = '';

describe.skipIf(MISSING.length > 0)('certificates by ACME DNS-01 through our own Knot', () => {
  let dir: string;
  let model: Model;
  let knot: KnotServer | undefined;
  let pebble: Pebble | undefined;
  let key: TsigKey;
  let ansibleOutput: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'acme-dns01-'));
    const port = await freePort();
    mkdirSync(join(dir, 'pebble'));
    pebble = await startPebble(join(dir, 'pebble'), port);
    caBundle = pebble.caBundle;
    model = deriveModel(
      validInventory(
        variantDir(
          [
            {
              file: 'org.yaml',
              path: ['acme'],
              value: { directory: pebble.directory, propagation_seconds: 0 },
            },
          ],
          DNS_ORG,
        ),
      ),
    );
    const knotDir = join(dir, 'knot');
    for (const sub of ['keys', 'run', 'db']) mkdirSync(join(knotDir, sub), { recursive: true });
    // The pipeline's keys, as the operator makes them; the ACME key comes from the store through Ansible.
    for (const name of Object.values(KNOT_KEYS))
      writeFileSync(
        join(knotDir, 'keys', `${name}.conf`),
        execFileSync('keymgr', ['-t', name, 'hmac-sha256']),
      );
    // Every TLS-terminating VM of the fixture has its ACME key on the primary; the test signs with the proxy's.
    const tls = ['chat', 'mail', PROXY].map((name) => vmNamed(model.inventory, name));
    const keys = tls.map((vm) => makeKey(acmeKeyName(vm)));
    key = keys[2]!;
    const root = join(dir, 'root');
    const tasks = [
      ...fileTasks(
        model,
        'ns1',
        keys.map((k) => knotKeyFile(k.name)),
        root,
      ),
      ...fileTasks(model, PROXY, [CERTBOT_CONFIG, CERTBOT_CREDENTIALS, DEPLOY_HOOK], root),
    ];
    const secrets = Object.fromEntries(tls.map((vm, i) => [acmeSecretName(vm), keys[i]!.secret]));
    ansibleOutput = runPlaybook(dir, tasks, secrets);
    for (const k of keys) cpSync(join(root, knotKeyFile(k.name)), join(knotDir, 'keys', `${k.name}.conf`));
    for (const zone of model.dns.zones)
      writeFileSync(join(knotDir, 'db', `${zone.name}.zone`), renderZone(zone, model.inventory.org.dns.ttl));
    writeFileSync(join(knotDir, 'knot.conf'), localKnotConf(model, knotDir, port));
    knot = await runKnot(join(knotDir, 'knot.conf'), join(knotDir, 'run'), port, model.inventory.org.domain);
  }, 120_000);

  afterAll(async () => {
    await knot?.stop();
    await pebble?.stop();
    removeVariants();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the TSIG secret only through the no_log tasks, into files of mode 0600/0640', () => {
    const root = join(dir, 'root');
    expect(readFileSync(join(root, knotKeyFile(key.name)), 'utf8')).toContain(`secret: ${key.secret}`);
    expect(readFileSync(join(root, CERTBOT_CREDENTIALS), 'utf8')).toContain(
      `dns_rfc2136_secret = ${key.secret}`,
    );
    expect(statSync(join(root, CERTBOT_CREDENTIALS)).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, knotKeyFile(key.name))).mode & 0o777).toBe(0o640);
    expect(ansibleOutput).not.toContain(key.secret);
    expect(ansibleOutput).toContain('censored');
  });

  it('lets the VM key add and delete the TXT record at _acme-challenge of its own name', () => {
    const add = nsupdate(
      knot!.port,
      `zone test.example.org.\nupdate add _acme-challenge.${NAME}. 60 TXT "probe"\nsend\n`,
      key,
    );
    expect(add.status, add.output).toBe(0);
    const del = nsupdate(
      knot!.port,
      `zone test.example.org.\nupdate delete _acme-challenge.${NAME}. TXT "probe"\nsend\n`,
      key,
    );
    expect(del.status, del.output).toBe(0);
  });

  it('refuses the same key for another VM’s name, for an A record, and for the name itself', () => {
    const refused = (script: string): void => {
      const r = nsupdate(knot!.port, `zone test.example.org.\n${script}\nsend\n`, key);
      expect(r.status, r.output).not.toBe(0);
      // Knot 3.2 answers NOTAUTH with the TSIG error BADKEY, which knsupdate prints as the status.
      expect(r.output).toMatch(/REFUSED|NOTAUTH|BADKEY/);
    };
    refused('update add _acme-challenge.mail.test.example.org. 60 TXT "not yours"');
    refused(`update add _acme-challenge.${NAME}. 60 A 192.0.2.66`);
    refused(`update add ${NAME}. 60 TXT "not a challenge"`);
    refused(`update add x._acme-challenge.${NAME}. 60 TXT "a subdomain"`);
  });

  it('obtains the certificate with certbot and the generated configuration; the hook installs it for nginx', () => {
    const root = join(dir, 'root');
    const proxy = convergeModel(model, vmNamed(model.inventory, PROXY));
    const issue = proxy.once.find((o) => o.name === `Certificate for ${NAME} by ACME DNS-01`);
    expect(issue?.creates).toBe(`/etc/letsencrypt/live/${NAME}/fullchain.pem`);
    // The fixture's primary is 2001:db8:1::53 port 53; here it listens on loopback.
    const credentials = join(root, CERTBOT_CREDENTIALS);
    let ini = readFileSync(credentials, 'utf8');
    ini = swap(ini, 'dns_rfc2136_server = 2001:db8:1::53', 'dns_rfc2136_server = 127.0.0.1');
    writeFileSync(credentials, swap(ini, 'dns_rfc2136_port = 53', `dns_rfc2136_port = ${knot!.port}`));
    chmodSync(credentials, 0o600);
    // nginx: Debian's configuration plus the proxy's generated files, as the playbook writes them.
    const nginx = join(dir, 'nginx');
    cpSync('/etc/nginx', nginx, { recursive: true });
    for (const f of proxy.files.filter((f) => f.path.startsWith('/etc/nginx/')))
      writeFileSync(join(nginx, f.path.slice('/etc/nginx/'.length)), f.content);
    const vhost = readFileSync(join(nginx, `conf.d/site-${NAME}.conf`), 'utf8');
    expect(vhost).toContain(`ssl_certificate ${NGINX_CERTS}/${NAME}/fullchain.pem;`);
    const run = certbotInNamespace(root, nginx, issue!.argv);
    expect(run.status, `${run.stdout}${run.stderr}\n${pebble!.output()}`).toBe(0);
    const chain = join(nginx, 'certs', NAME, 'fullchain.pem');
    expect(existsSync(chain)).toBe(true);
    const san = execFileSync('openssl', ['x509', '-in', chain, '-noout', '-ext', 'subjectAltName'], {
      encoding: 'utf8',
    });
    expect(san).toContain(`DNS:${NAME}`);
    expect(statSync(join(nginx, 'certs', NAME, 'privkey.pem')).mode & 0o777).toBe(0o600);
    // Renewals run the same hook: certbot kept it in the certificate's renewal configuration.
    const renewal = readFileSync(join(root, 'etc/letsencrypt/renewal', `${NAME}.conf`), 'utf8');
    expect(renewal).toContain(`renew_hook = ${DEPLOY_HOOK}`);
    expect(renewal).toContain('authenticator = dns-rfc2136');
  }, 180_000);

  it('renews through the same challenge path, and the hook installs the new certificate again', () => {
    const root = join(dir, 'root');
    const nginx = join(dir, 'nginx');
    const chain = join(nginx, 'certs', NAME, 'fullchain.pem');
    const serial = (): string =>
      execFileSync('openssl', ['x509', '-in', chain, '-noout', '-serial'], { encoding: 'utf8' });
    const before = serial();
    const run = certbotInNamespace(root, nginx, [
      'certbot',
      'renew',
      '--force-renewal',
      '--cert-name',
      NAME,
      // certbot.timer's runs spread their load over hours; this one must not wait.
      '--no-random-sleep-on-renew',
    ]);
    expect(run.status, `${run.stdout}${run.stderr}\n${pebble!.output()}`).toBe(0);
    expect(serial()).not.toBe(before);
  }, 180_000);
});
