// What the playbooks write for coturn, Mumble and the Icinga2 master and satellite: exact values on the fixture
// organisation with a TURN and a Mumble server added (test/helpers/rtc-org.ts). The programs themselves judge
// the files in test/services.rtc.roots.test.ts.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coturnPart, deniedPeerRanges, TURNSERVER_CONF } from '../baseline/coturn.ts';
import { iniString, MUMBLE_INI, mumblePart, welcomeHtml } from '../baseline/mumble.ts';
import { renderPlaybook } from '../baseline/ansible.ts';
import { deriveModel } from '../model/derive.ts';
import { secretKey, secretNeeds } from '../model/secret-needs.ts';
import {
  checksums,
  deployedPath,
  ICINGA2_DEPLOY,
  ICINGA2_STAGE,
  ICINGA2_SUMS,
  icinga2NodeParts,
  vmConvergeModel,
} from '../monitoring/icinga2-node.ts';
import { renderIcinga2 } from '../monitoring/icinga2.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { MUMBLE_WELCOME, rtcFixture, TURN_NAME } from './helpers/rtc-org.ts';

const work = mkdtempSync(join(tmpdir(), 'services-rtc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
rtcFixture(join(work, 'org'));
const model = deriveModel(validInventory(join(work, 'org')));
const vm = (name: string): ReturnType<typeof vmNamed> => vmNamed(model.inventory, name);

describe('coturn', () => {
  const part = coturnPart(model, vm('turn'))!;
  const conf = part.files!.find((f) => f.path === TURNSERVER_CONF)!;

  it("takes its realm, name and ports from the inventory and the catalog, and the site's TURN secret from the store", () => {
    expect(conf.secret).toBe(true);
    expect(conf.owner).toBe('root:turnserver');
    expect(conf.permissions).toBe('0640');
    const lines = conf.content.split('\n');
    for (const line of [
      'realm=fixture.example.org',
      `server-name=${TURN_NAME}`,
      'listening-port=3478',
      'tls-listening-port=5349',
      'min-port=49152',
      'max-port=65535',
      'use-auth-secret',
      "static-auth-secret={{ secrets['site/one/turn-secret'] }}",
      `cert=/etc/coturn/certs/${TURN_NAME}/fullchain.pem`,
      `pkey=/etc/coturn/certs/${TURN_NAME}/privkey.pem`,
    ])
      expect(lines).toContain(line);
  });

  it('shares one TURN secret per site between the TURN server and the services that hand out credentials', () => {
    const turn = secretNeeds(model).filter((n) => n.name === 'turn-secret');
    expect(turn.map(secretKey)).toEqual(['site/one/turn-secret']);
    // Synapse (matrix) in the same site reads the same secret; prosody (chat) is in site two, without TURN.
    expect(turn[0]!.vms).toEqual(['matrix', 'turn']);
  });

  it("denies relaying to loopback, private and documentation ranges and to the organisation's own non-public networks", () => {
    const denied = deniedPeerRanges(model);
    for (const range of [
      '127.0.0.0-127.255.255.255',
      '10.0.0.0-10.255.255.255',
      '192.168.0.0-192.168.255.255',
      '::-::1',
      'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      // one-internal, one-mgmt and two-mgmt of the fixture.
      '2001:db8:5::-2001:db8:5:0:ffff:ffff:ffff:ffff',
      '2001:db8:2::-2001:db8:2:0:ffff:ffff:ffff:ffff',
      '2001:db8:4::-2001:db8:4:0:ffff:ffff:ffff:ffff',
    ])
      expect(conf.content).toContain(`\ndenied-peer-ip=${range}\n`);
    // one-public is where the TURN clients are: not denied beyond the documentation range it sits in.
    expect(denied).not.toContain('2001:db8:1::-2001:db8:1:0:ffff:ffff:ffff:ffff');
  });

  it('hands the certificate to coturn once and restarts it when its files change', () => {
    expect(part.once).toEqual([
      {
        name: `Hand the certificate of ${TURN_NAME} to coturn`,
        argv: [
          'env',
          `RENEWED_LINEAGE=/etc/letsencrypt/live/${TURN_NAME}`,
          '/etc/letsencrypt/infra-deploy-hook',
        ],
        creates: `/etc/coturn/certs/${TURN_NAME}/fullchain.pem`,
      },
    ]);
    expect(part.services).toEqual(['coturn']);
    expect(part.files!.map((f) => f.reload)).toEqual(['restart coturn', 'restart coturn']);
    expect(part.files!.find((f) => f.path === '/etc/default/coturn')?.content).toContain(
      '\nTURNSERVER_ENABLED=1\n',
    );
  });

  it('is written by the playbook only, as a template whose only Jinja is the secret', () => {
    const playbook = renderPlaybook(vmConvergeModel(model, vm('turn')));
    expect(playbook).toContain("{% endraw %}{{ secrets['site/one/turn-secret'] }}{% raw %}");
    expect(playbook).toContain('- name: !unsafe "Restart coturn"');
  });
});

describe('Mumble', () => {
  const part = mumblePart(model, vm('voice'))!;
  const ini = part.files!.find((f) => f.path === MUMBLE_INI)!.content;

  it('serves the certificate copy of its name and quotes the welcome text from the inventory', () => {
    expect(ini).toContain('\nsslCert=/etc/mumble-server/certs/voice.fixture.example.org/fullchain.pem\n');
    expect(ini).toContain('\nsslKey=/etc/mumble-server/certs/voice.fixture.example.org/privkey.pem\n');
    expect(ini).toContain(
      '\nwelcometext="Welcome, &quot;friends&quot; &amp; &lt;guests&gt;; C:&#92; #1 = &#252;n&#239;code"\n',
    );
    expect(MUMBLE_WELCOME).toContain('ü');
  });

  it('keeps any text inside one quoted INI value: no quote, backslash, control or non-ASCII character left', () => {
    const hostile = ['"\\n', 'a"b\\"c', 'line one\nline two', '\u0000\u001b[31m', 'é😀', ';#=,[General]'];
    for (const text of hostile) {
      const value = iniString(welcomeHtml(text));
      const inner = value.slice(1, -1);
      expect(value.startsWith('"') && value.endsWith('"')).toBe(true);
      expect(inner).toMatch(/^[\x20-\x7e]*$/);
      expect(inner).not.toMatch(/["\\]/);
    }
    expect(welcomeHtml('a\nb')).toBe('a<br />b');
  });

  it('sets the SuperUser password from the store only when it differs from the one last set', () => {
    expect(part.commands).toHaveLength(1);
    const [command] = part.commands!;
    expect(command!.secretEnv).toEqual({ SUPERUSER_PASSWORD: 'service/mumble-voice/superuser-password' });
    const script = command!.argv.join(' ');
    expect(script).toContain('murmurd -ini /etc/mumble-server.ini -readsupw');
    expect(script).not.toContain('-supw ');
    expect(script).toMatch(/= "\$want" \]; then exit 0; fi/);
    expect(secretNeeds(model).map(secretKey)).toContain('service/mumble-voice/superuser-password');
  });
});

describe('the Icinga2 master and satellite', () => {
  const [masterPart] = icinga2NodeParts(model, vm('mon'));
  const [satPart] = icinga2NodeParts(model, vm('sat'));
  const staged = (part: typeof masterPart): Map<string, string> =>
    new Map(
      part!
        .files!.filter((f) => f.path.startsWith(`${ICINGA2_STAGE}/`))
        .map((f) => [f.path.slice(ICINGA2_STAGE.length + 1), f.content]),
    );

  it('stages every file of the icinga2 artifact byte for byte, objects under zones.d/master, commands global', () => {
    const files = staged(masterPart);
    for (const [name, text] of renderIcinga2(model)) expect(files.get(deployedPath(name))).toBe(text);
    expect([...files.keys()].sort()).toEqual([
      'constants.conf',
      'icinga2.conf',
      'zones.conf',
      'zones.d/global-templates/commands.conf',
      'zones.d/master/groups.conf',
      'zones.d/master/hosts.conf',
      'zones.d/master/services.conf',
    ]);
    expect(files.get('constants.conf')).toContain('const NodeName = "mon.fixture.example.org"');
    expect(files.get('icinga2.conf')).not.toContain('conf.d');
  });

  it('lists the SHA-256 of every deployed file, which the deploy script checks the live files against', () => {
    const sums = masterPart!.files!.find((f) => f.path === ICINGA2_SUMS)!.content;
    const files = staged(masterPart);
    expect(sums).toBe(checksums(files));
    const hosts = createHash('sha256').update(files.get('zones.d/master/hosts.conf')!).digest('hex');
    expect(sums).toContain(`${hosts}  zones.d/master/hosts.conf\n`);
    const deploy = masterPart!.files!.find((f) => f.path === ICINGA2_DEPLOY)!.content;
    expect(deploy).toContain('icinga2 daemon -C -c "$stage/icinga2.conf" -DZonesDir="$stage/zones.d"');
    // The check comes before anything is copied to the live configuration.
    expect(deploy.indexOf('daemon -C')).toBeLessThan(deploy.indexOf('mv "$live/.zones.d.new"'));
  });

  it("makes the master's CA once and gives its API the ticket salt from the store", () => {
    expect(masterPart!.once!.map((o) => [o.argv.join(' '), o.creates])).toContainEqual([
      'runuser -u nagios -- icinga2 pki new-ca',
      '/var/lib/icinga2/ca/ca.crt',
    ]);
    const api = masterPart!.files!.find((f) => f.path === '/etc/icinga2/features-available/api.conf')!;
    expect(api.secret).toBe(true);
    expect(api.content).toContain(
      'ticket_salt = "{{ secrets[\'service/icinga2-master-mon/ticket-salt\'] }}"',
    );
  });

  it("joins the satellite with a ticket from the master's salt, against the master's address", () => {
    const join = satPart!.commands!.find((c) => c.secretEnv !== undefined)!;
    expect(join.secretEnv).toEqual({ TICKET_SALT: 'service/icinga2-master-mon/ticket-salt' });
    expect(join.argv.slice(3)).toEqual(['join', 'sat.fixture.example.org', '2001:db8:1::e']);
    expect(join.argv[2]).toContain('pbkdf2_hmac("sha1"');
    const files = staged(satPart);
    expect(files.get('zones.conf')).toContain(
      'object Zone "sat" {\n  endpoints = [ "sat.fixture.example.org" ]',
    );
    expect([...files.keys()].some((p) => p.startsWith('zones.d/'))).toBe(false);
    const salt = secretNeeds(model).find((n) => secretKey(n) === 'service/icinga2-master-mon/ticket-salt');
    expect(salt?.vms).toEqual(['mon', 'sat']);
  });

  it('puts nothing of this on the other VMs', () => {
    expect(icinga2NodeParts(model, vm('turn'))).toEqual([]);
    expect(coturnPart(model, vm('voice'))).toBeUndefined();
    expect(mumblePart(model, vm('turn'))).toBeUndefined();
  });
});
