// The Icinga2 configuration: a host per VM and per Proxmox node, the baseline checks on each, every
// service's HTTP, certificate and port checks, groups by site, cluster and service.
import { deriveModel } from '../model/derive.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/inventory.ts';
import { icingaCounts, renderIcinga2 } from '../monitoring/icinga2.ts';
import { monitoringModel } from '../monitoring/model.ts';
import { deriveServices } from '../services/instances.ts';
import { FIXTURE, validInventory } from './helpers/inventories.ts';
import { loadInventory } from '../model/load.ts';

let inventory: Inventory;
let files: Map<string, string>;
beforeAll(() => {
  inventory = validInventory(FIXTURE);
  files = renderIcinga2(deriveModel(inventory));
});

/** The body of `object Service "name"` on a host, or undefined. */
function service(host: string, name: string): string | undefined {
  const text = files.get('services.conf') ?? '';
  for (const block of text.split('\n}\n')) {
    if (block.includes(`object Service ${JSON.stringify(name)} {`) && block.includes(`host_name = "${host}"`))
      return block;
  }
  return undefined;
}

describe('renderIcinga2', () => {
  it('writes hosts, services, groups, commands and zones', () => {
    expect([...files.keys()].sort()).toEqual([
      'commands.conf',
      'groups.conf',
      'hosts.conf',
      'services.conf',
      'zones.conf',
    ]);
  });

  it('has one host per VM and per Proxmox node, with a few hundred checks', () => {
    const nodes = inventory.clusters.reduce((n, c) => n + c.nodes.length, 0);
    const counts = icingaCounts(monitoringModel(deriveModel(inventory)));
    expect(counts.hosts).toBe(inventory.vms.length + nodes);
    expect(counts.hosts).toBe(20);
    // Each proxy of the pair is asked for each of its 4 certificates (+8); mail and XMPP no longer open
    // port 80 for HTTP-01 (-4); the Matrix server name delegated to the proxies is a fifth certificate (+2);
    // the master's Icinga Web 2 login form (+1).
    expect(counts.services).toBe(207);
    const hosts = files.get('hosts.conf') ?? '';
    for (const vm of inventory.vms) expect(hosts).toContain(`object Host "${vm.name}" {`);
    for (const c of inventory.clusters)
      for (const n of c.nodes) expect(hosts).toContain(`object Host "${n.name}" {`);
  });

  it('puts each host into its site, cluster and service groups, and defines every group it uses', () => {
    const hosts = files.get('hosts.conf') ?? '';
    expect(hosts).toContain('groups = [ "site-one", "cluster-ceph", "debian-vms", "service-gitea" ]');
    expect(hosts).toContain('groups = [ "site-one", "cluster-ceph", "proxmox-nodes" ]');
    const groups = files.get('groups.conf') ?? '';
    const used = new Set([...hosts.matchAll(/"((?:site|cluster|service)-[a-z0-9-]+)"/g)].map((m) => m[1]));
    for (const g of used) expect(groups).toContain(`object HostGroup "${g}" {`);
  });

  it('applies the baseline checks to every Debian VM and node, and the backup age where borgmatic runs', () => {
    const model = monitoringModel(deriveModel(inventory));
    const names = model.baseline.map((b) => b.name);
    expect(names).toEqual(['disk', 'load', 'apt', 'systemd', 'ntp', 'ssh', 'backup age']);
    const services = files.get('services.conf') ?? '';
    for (const name of names) expect(services).toContain(`apply Service "${name}" {`);
    const overSsh = model.hosts.filter((h) => h.overSsh).map((h) => h.name);
    const debianVms = inventory.vms.filter((vm) => vm.os !== 'other').length;
    const nodes = inventory.clusters.reduce((sum, c) => sum + c.nodes.length, 0);
    expect(overSsh).toHaveLength(debianVms + nodes);
    expect(model.hosts.filter((h) => h.backup).map((h) => h.name)).not.toContain('backup');
    // Every Debian VM backs up, except the backup host itself.
    expect(model.hosts.filter((h) => h.backup)).toHaveLength(debianVms - 1);
  });

  it('checks every public name over HTTPS with its health path, and the certificate of every public name', () => {
    for (const i of deriveServices(inventory).instances) {
      for (const name of i.ctx.webNames) {
        const page = service(i.vm.name, `https ${name}`);
        expect(page, `${i.label}: https ${name}`).toBeDefined();
        expect(page).toContain(`vars.http_uri = ${JSON.stringify(i.def.web!.health.path)}`);
        expect(service(i.vm.name, `certificate ${name}`), `${i.label}: certificate ${name}`).toContain(
          'vars.http_certificate = "21,7"',
        );
      }
      for (const name of i.ctx.names) {
        const text = files.get('services.conf') ?? '';
        expect(text, `${i.label}: TLS check for ${name}`).toMatch(
          new RegExp(
            `host_name = "${i.vm.name}"\\n(?:.*\\n)*?  vars\\.ssl_cert_cn = "${name.replaceAll('.', '\\.')}"`,
          ),
        );
      }
    }
  });

  it("checks the services' public ports from outside, and internal ones on the VM over SSH", () => {
    expect(service('chat', 'prosody 5222/tcp')).toContain('vars.tcp_port = 5222');
    expect(service('chat', 'prosody 5222/tcp over IPv4')).toContain('vars.tcp_address = "$host.vars.ipv4$"');
    expect(service('db1', 'postgresql 5432/tcp')).toContain(
      '"/usr/lib/nagios/plugins/check_tcp", "-H", "127.0.0.1", "-p", "5432"',
    );
    expect(service('git', 'gitea backend')).toContain(
      '"-H", "code.fixture.example.org", "-p", "3000", "-u", "/api/healthz"',
    );
    expect(service('ns2', 'dns-secondary serves zone')).toContain('vars.dig_lookup = "fixture.example.org"');
  });

  it('runs the checks of public names on the satellite in another site, and the rest on the master', () => {
    expect(service('git', 'https code.fixture.example.org')).toContain(
      'command_endpoint = "sat.fixture.example.org"',
    );
    expect(service('git', 'gitea backend')).not.toContain('command_endpoint');
    const zones = files.get('zones.conf') ?? '';
    expect(zones).toContain('object Endpoint "mon.fixture.example.org" {');
    expect(zones).toContain(
      'object Zone "sat" {\n  endpoints = [ "sat.fixture.example.org" ]\n  parent = "master"\n}',
    );
  });

  it('is byte-identical for the same inventory', () => {
    expect(renderIcinga2(deriveModel(loadInventory(FIXTURE).inventory!))).toEqual(files);
  });
});
