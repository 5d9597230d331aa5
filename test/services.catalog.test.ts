// The service catalog knows the real ports, packages and names of each program, and derives instances from the inventory.
import { portRangeText } from '../inventory/ports.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import { CATALOG } from '../services/catalog.ts';
import { serviceDnsRecords } from '../services/dns.ts';
import { dependencyTargets, dependents, deriveServices } from '../services/instances.ts';
import type { PortSpec } from '../services/types.ts';
import { exampleInventory, fixtureInventory, vmNamed } from './helpers/inventories.ts';

// Exact values are pinned on the fixture organisation; the example only has to use known kinds.
let inventory: Inventory;
beforeAll(() => {
  inventory = fixtureInventory();
});

const ports = (kind: string): string[] =>
  (CATALOG.get(kind)?.ports ?? []).map((p: PortSpec) => `${portRangeText(p.port)}/${p.proto}`);

describe('the catalog', () => {
  it('has one file per kind under services/kinds, each registered under its file name', () => {
    const files = readdirSync(join('services', 'kinds'))
      .filter((f) => !f.startsWith('_'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect([...CATALOG.keys()].sort()).toEqual(files);
  });

  it('covers the services the issue asks for and every kind the example runs', () => {
    for (const kind of [
      'mailman',
      'gitea',
      'nextcloud',
      'collabora',
      'moinmoin',
      'bigbluebutton',
      'jitsi-meet',
      'prosody',
      'synapse',
      'peertube',
      'etherpad',
      'drone-server',
      'drone-runner',
      'icinga2-master',
      'dns-primary',
      'dns-secondary',
      'nginx-proxy',
      'postgresql',
      'sftp-drop',
    ])
      expect(CATALOG.has(kind), kind).toBe(true);
    for (const vm of exampleInventory().vms)
      for (const s of vm.services) expect(CATALOG.has(s.kind), s.kind).toBe(true);
  });

  it('uses the real ports of the programs', () => {
    expect(ports('prosody')).toEqual(expect.arrayContaining(['5222/tcp', '5269/tcp']));
    expect(ports('synapse')).toEqual(['8008/tcp', '8448/tcp']);
    expect(ports('dns-secondary').sort()).toEqual(['53/tcp', '53/udp']);
    expect(ports('dns-primary').sort()).toEqual(['53/tcp', '53/udp']);
    expect(ports('postgresql')).toEqual(['5432/tcp']);
    expect(ports('bigbluebutton')).toContain('16384-32768/udp');
    expect(ports('jitsi-meet')).toContain('10000/udp');
    expect(ports('jitsi-videobridge')).toContain('10000/udp');
    expect(ports('mail')).toEqual(expect.arrayContaining(['25/tcp', '587/tcp', '993/tcp']));
    expect(ports('coturn')).toEqual(expect.arrayContaining(['3478/udp', '3478/tcp', '5349/tcp']));
    expect(ports('nginx-proxy')).toEqual(['80/tcp', '443/tcp']);
  });

  it('names Debian packages as Debian does, and the upstream ones as their repositories do', () => {
    expect(CATALOG.get('mailman')?.packages).toContain('mailman3-full');
    expect(CATALOG.get('prosody')?.packages).toContain('prosody');
    expect(CATALOG.get('postgresql')?.packages).toEqual(['postgresql']);
    expect(CATALOG.get('nginx-proxy')?.packages).toContain('nginx');
    expect(CATALOG.get('dns-secondary')?.packages).toContain('knot');
    expect(CATALOG.get('synapse')?.upstream?.packages).toEqual(['matrix-synapse-py3']);
    expect(CATALOG.get('synapse')?.upstream?.uri).toContain('packages.matrix.org');
    expect(CATALOG.get('jitsi-meet')?.upstream?.packages).toEqual(['jitsi-meet']);
  });

  it('depends only on kinds it knows, and every kind has a size, a purpose per port and backup paths', () => {
    for (const def of CATALOG.values()) {
      for (const dep of def.dependsOn) expect(CATALOG.has(dep), `${def.kind} -> ${dep}`).toBe(true);
      expect(def.size.cores).toBeGreaterThan(0);
      for (const p of def.ports) expect(p.purpose.length, def.kind).toBeGreaterThan(0);
      for (const path of def.backup.paths) expect(path.startsWith('/'), `${def.kind}: ${path}`).toBe(true);
    }
    expect(CATALOG.get('nextcloud')?.dependsOn).toEqual(['postgresql', 'collabora']);
  });
});

describe('service instances', () => {
  it('accepts "- gitea" and "{ kind: gitea, domain: ... }" alike, with the parameters apart from the kind', () => {
    const instances = deriveServices(inventory).instances;
    const gitea = instances.find((i) => i.kind === 'gitea')!;
    expect(gitea.params).toEqual({
      domain: 'code.fixture.example.org',
      aliases: ['forge.fixture.example.org'],
      db: 'db1',
    });
    expect(gitea.ctx.webNames).toEqual(['code.fixture.example.org', 'forge.fixture.example.org']);
    const proxy = instances.find((i) => i.kind === 'nginx-proxy')!;
    expect(proxy.params).toEqual({});
  });

  it('resolves the database VM from db:, and replicas from primary:', () => {
    const services = deriveServices(inventory);
    const synapse = services.instances.find((i) => i.kind === 'synapse')!;
    expect(dependencyTargets(services, synapse, 'postgresql').map((v) => v.name)).toEqual(['db1']);
    const db1 = vmNamed(inventory, 'db1');
    expect(dependents(services, db1, 'postgresql').map((v) => v.name)).toEqual(['git', 'db2', 'matrix']);
  });
});

describe('DNS records the services want', () => {
  const records = () => serviceDnsRecords(deriveServices(inventory));
  const find = (name: string, type: string) => records().filter((r) => r.name === name && r.type === type);

  it('points proxied names at every proxy of the site, over IPv6 and IPv4', () => {
    expect(find('code.fixture.example.org', 'AAAA').map((r) => r.value)).toEqual([
      '2001:db8:1::a',
      '2001:db8:1::b',
    ]);
    expect(find('code.fixture.example.org', 'A').map((r) => r.value)).toEqual(['192.0.2.10', '192.0.2.11']);
    expect(find('forge.fixture.example.org', 'AAAA')).toHaveLength(2);
  });

  it('publishes SRV records for XMPP and Matrix', () => {
    expect(find('_xmpp-client._tcp.fixture.example.org', 'SRV').map((r) => r.value)).toEqual([
      '5 0 5222 chat.fixture.example.org',
    ]);
    expect(find('_xmpp-server._tcp.fixture.example.org', 'SRV').map((r) => r.value)).toEqual([
      '5 0 5269 chat.fixture.example.org',
    ]);
    expect(find('_matrix-fed._tcp.fixture.example.org', 'SRV').map((r) => r.value)).toEqual([
      '10 0 443 im.fixture.example.org',
    ]);
  });

  it('publishes MX, SPF and DMARC for the mail domain', () => {
    for (const [domain, mx] of [['fixture.example.org', 'mail.fixture.example.org']]) {
      expect(find(domain!, 'MX').map((r) => r.value)).toEqual([`10 ${mx}`]);
      expect(find(domain!, 'TXT').map((r) => r.value)).toEqual(['v=spf1 mx -all']);
      expect(find(`_dmarc.${domain}`, 'TXT')[0]?.value).toMatch(/^v=DMARC1; p=quarantine/);
    }
  });

  it('publishes MX, SPF and DMARC for every list domain of a Mailman instance', () => {
    const lists = {
      kind: 'mailman',
      domain: 'mailman.fixture.example.org',
      list_domains: ['lists.fixture.example.org'],
      db: 'db1',
    };
    const withLists: Inventory = {
      ...inventory,
      vms: inventory.vms.map((vm) =>
        vm.name === 'mail' ? { ...vm, services: [...vm.services, lists] } : vm,
      ),
    };
    const found = serviceDnsRecords(deriveServices(withLists)).filter(
      (r) => r.name === 'lists.fixture.example.org',
    );
    expect(found.map((r) => `${r.type} ${r.value}`)).toEqual([
      'MX 10 mail.fixture.example.org',
      'TXT v=spf1 mx -all',
    ]);
  });

  it('names every DNS secondary as a name server of the domain, and no record twice', () => {
    expect(find('fixture.example.org', 'NS').map((r) => r.value)).toEqual(['ns2.fixture.example.org']);
    const keys = records().map((r) => `${r.name} ${r.type} ${r.value}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('docs/services.md', () => {
  it('lists every kind of the catalog in its table', () => {
    const doc = readFileSync('docs/services.md', 'utf8');
    for (const kind of CATALOG.keys()) expect(doc, kind).toContain(`| \`${kind}\` |`);
  });
});
