// The configuration of the kinds from upstream repositories (Synapse, Jitsi, Collabora), whose packages cannot
// be installed here: exact values on the fixture with the upstream kinds added, and every key we write checked
// against the upstream's sample configuration for the pinned version (test/fixtures/upstream/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOLWSD_CONFIG, coolwsdXml } from '../baseline/collabora.ts';
import { JVB_CONFIG, jvbSettings, MEET_TURN_CONFIG } from '../baseline/jitsi.ts';
import { renderCloudConfig } from '../baseline/cloud-config.ts';
import { SYNAPSE_CONFIG, synapseSettings } from '../baseline/synapse.ts';
import { convergeModel } from '../baseline/vm-model.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { upstreamFixture } from './helpers/upstream-org.ts';
import { sampleMismatches } from './helpers/upstream-sample.ts';

const SAMPLES = 'test/fixtures/upstream';
const work = mkdtempSync(join(tmpdir(), 'upstream-configs-'));
let model: Model;

beforeAll(() => {
  upstreamFixture(join(work, 'org'));
  model = deriveModel(validInventory(join(work, 'org')));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const instance = (kind: string): ServiceInstance => model.services.instances.find((i) => i.kind === kind)!;
const fileOf = (vm: string, path: string) =>
  convergeModel(model, vmNamed(model.inventory, vm)).files.find((f) => f.path === path);

describe('Synapse homeserver configuration', () => {
  it('names the server, its public URL, the proxies’ listeners, PostgreSQL on db1 and TURN of the site', () => {
    const settings = synapseSettings(model, instance('synapse'));
    expect(settings).toMatchObject({
      server_name: 'fixture.example.org',
      public_baseurl: 'https://im.fixture.example.org/',
      serve_server_wellknown: false,
      database: {
        name: 'psycopg2',
        args: {
          user: 'synapse_matrix',
          dbname: 'synapse_matrix',
          host: 'db1.fixture.example.org',
          password: "{{ secrets['service/synapse-matrix/db-password'] }}",
        },
      },
      signing_key_path: '/etc/infra-secrets/service/synapse-matrix/signing-key',
      macaroon_secret_key: "{{ secrets['service/synapse-matrix/macaroon-secret-key'] }}",
      registration_shared_secret: "{{ secrets['service/synapse-matrix/registration-shared-secret'] }}",
      form_secret: "{{ secrets['service/synapse-matrix/form-secret'] }}",
      turn_shared_secret: "{{ secrets['site/one/turn-secret'] }}",
    });
    expect(settings.turn_uris).toContain('turns:turn.fixture.example.org:5349?transport=tcp');
    const listeners = settings.listeners as { port: number; x_forwarded: boolean; resources: unknown }[];
    expect(listeners.map((l) => [l.port, l.x_forwarded, l.resources])).toEqual([
      [8008, true, [{ names: ['client'], compress: false }]],
      [8448, true, [{ names: ['federation'], compress: false }]],
    ]);
  });

  it('writes only keys the sample of Synapse 1.120 has, with the same types', () => {
    const sample = parse(readFileSync(`${SAMPLES}/synapse-1.120-homeserver.sample.yaml`, 'utf8')) as unknown;
    expect(sampleMismatches(synapseSettings(model, instance('synapse')), sample)).toEqual([]);
    // The comparison itself notices an unknown key and a wrong type.
    expect(sampleMismatches({ turn_urls: [], report_stats: 'no' }, sample)).toEqual([
      'turn_urls: not in the sample',
      'report_stats: string in ours, boolean in the sample',
    ]);
  });

  it('is a converge-only secret file that parses back to the same settings, never in the cloud-config', () => {
    const file = fileOf('matrix', SYNAPSE_CONFIG)!;
    expect(file).toMatchObject({ secret: true, owner: 'root:matrix-synapse', permissions: '0640' });
    expect(parse(file.content)).toEqual(synapseSettings(model, instance('synapse')));
    expect(renderCloudConfig(model, vmNamed(model.inventory, 'matrix'))).not.toContain(SYNAPSE_CONFIG);
  });
});

describe('Jitsi: the videobridge joins its Meet, Meet hands out TURN', () => {
  it('links the stand-alone bridge to the Meet server with the shared account from the store', () => {
    const settings = jvbSettings(model, instance('jitsi-videobridge'));
    expect(settings).toMatchObject({
      videobridge: {
        apis: {
          'xmpp-client': {
            configs: {
              meet: {
                hostname: 'meet.fixture.example.org',
                domain: 'auth.meet.fixture.example.org',
                username: 'jvb',
                password: "{{ secrets['service/jitsi-meet-meet/jvb-password'] }}",
                muc_jids: 'JvbBrewery@internal.auth.meet.fixture.example.org',
                muc_nickname: 'bridge',
              },
            },
          },
        },
      },
      ice4j: { harvest: { mapping: { stun: { addresses: ['turn.fixture.example.org:3478'] } } } },
    });
    expect(fileOf('bridge', JVB_CONFIG)).toMatchObject({ secret: true, owner: 'root:jitsi' });
  });

  it('writes only keys the reference configuration of jitsi-videobridge 2.3 has', () => {
    const sample = JSON.parse(readFileSync(`${SAMPLES}/jvb-2.3-reference.json`, 'utf8')) as {
      videobridge: { apis: { 'xmpp-client': { configs: Record<string, unknown> } } };
    };
    const ours = jvbSettings(model, instance('jitsi-videobridge')) as typeof sample;
    const { configs, ...client } = ours.videobridge.apis['xmpp-client'];
    const shape = sample.videobridge.apis['xmpp-client'].configs['xmpp-server-1'];
    // Each Meet server is a named entry of `configs`, compared with the sample's one entry.
    for (const config of Object.values(configs)) expect(sampleMismatches(config, shape)).toEqual([]);
    const rest = { ...ours, videobridge: { ...ours.videobridge, apis: { 'xmpp-client': client } } };
    expect(sampleMismatches(rest, sample)).toEqual([]);
  });

  it("gives Meet's Prosody the site's TURN server and makes the bridges' account from the same secret", () => {
    const meet = convergeModel(model, vmNamed(model.inventory, 'meet'));
    const turn = meet.files.find((f) => f.path === MEET_TURN_CONFIG)!;
    expect(turn.secret).toBe(true);
    expect(turn.content).toContain('VirtualHost "meet.fixture.example.org"');
    expect(turn.content).toContain(`external_service_secret = "{{ secrets['site/one/turn-secret'] }}";`);
    expect(turn.content).toContain('{ type = "turns", host = "turn.fixture.example.org", port = 5349');
    const account = meet.commands.find((c) => c.name.startsWith('Account jvb@auth.meet.fixture.example.org'));
    expect(account?.secretEnv).toEqual({ JVB_PASSWORD: 'service/jitsi-meet-meet/jvb-password' });
    // The kind's own debconf answers, given by the playbook before the packages are installed.
    expect(meet.debconf.map((d) => [d.question, d.value])).toEqual([
      ['jitsi-videobridge/jvb-hostname', 'meet.fixture.example.org'],
      ['jitsi-meet/cert-choice', 'Generate a new self-signed certificate'],
    ]);
  });
});

/** Each element of an XML file as `path[@attribute...] type`, read by Python's own XML parser. */
function xmlShape(path: string): string[] {
  const script = [
    'import sys, xml.etree.ElementTree as ET',
    'def walk(e, p):',
    '    here = p + "/" + e.tag',
    '    print(here + "".join(" @" + a for a in sorted(e.attrib) if a not in ("desc", "default")), e.get("type", "-"))',
    '    for c in e: walk(c, here)',
    'walk(ET.parse(sys.argv[1]).getroot(), "")',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 could not parse ${path}: ${run.stderr}`);
  return [...new Set(run.stdout.trim().split('\n'))];
}

describe('Collabora coolwsd.xml', () => {
  it('accepts WOPI only from the Nextcloud that uses it, behind proxies that terminate TLS', () => {
    const xml = coolwsdXml(model, vmNamed(model.inventory, 'coolwsd'), 'office.fixture.example.org');
    expect(xml).toContain('<alias_groups mode="groups">');
    expect(xml).toContain(
      '<host desc="nextcloud on files" allow="true">https://cloud.fixture.example.org:443</host>',
    );
    expect(xml).toContain('<enable type="bool">false</enable>');
    expect(xml).toContain('<termination type="bool">true</termination>');
    expect(fileOf('coolwsd', COOLWSD_CONFIG)?.content).toBe(xml);
  });

  it('writes only elements, attributes and types the coolwsd.xml of CODE 24.04 has', () => {
    const ours = join(work, 'coolwsd.xml');
    writeFileSync(ours, coolwsdXml(model, vmNamed(model.inventory, 'coolwsd'), 'office.fixture.example.org'));
    const known = new Set(xmlShape(`${SAMPLES}/coolwsd-24.04-sample.xml`));
    expect(xmlShape(ours).filter((line) => !known.has(line))).toEqual([]);
    // The XML quoting keeps inventory text out of the markup.
    const hostile = join(work, 'hostile.xml');
    writeFileSync(hostile, coolwsdXml(model, vmNamed(model.inventory, 'coolwsd'), 'a<b>&"c\''));
    expect(xmlShape(hostile)).toEqual(xmlShape(ours));
  });
});
