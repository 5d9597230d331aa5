// Each rule of services/rules/ on its own: silent on the fixture organisation, and on the broken services
// fixture exactly the findings about its own mistake.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { readInventory } from '../inventory/inventory.ts';
import { deriveServices } from '../services/instances.ts';
import { CATALOG_RULES } from '../services/rules/index.ts';
import type { CatalogRule } from '../services/rules/rule.ts';
import { portClaimedTwice } from '../services/rules/port-claimed-twice.ts';
import { publicNameClash } from '../services/rules/public-name-clash.ts';
import { sourcesMissOwnHosts } from '../services/rules/sources-miss-own-hosts.ts';
import { unknownServiceEntry } from '../services/rules/unknown-service-entry.ts';
import { unmetServiceNeed } from '../services/rules/unmet-service-need.ts';
import { FIXTURE } from './helpers/inventories.ts';

const BROKEN = 'test/fixtures/services/broken';

function run(rule: CatalogRule, dir: string): string[] {
  const read = readInventory(dir);
  if (!read.inventory) throw new Error(`${dir}: ${read.errors.map(formatFinding).join('\n')}`);
  const { inventory, sources } = read;
  return rule({ inventory, sources, services: deriveServices(inventory) }).map(formatFinding);
}

describe('service catalog rules', () => {
  it('are each a file of services/rules/ and all in the list', () => {
    const files = readdirSync('services/rules').filter(
      (f) => !['index.ts', 'paths.ts', 'rule.ts'].includes(f),
    );
    expect(files).toHaveLength(CATALOG_RULES.length);
  });

  it('find nothing on the fixture organisation', () => {
    for (const rule of CATALOG_RULES) expect(run(rule, FIXTURE)).toEqual([]);
  });

  it('unknown-service-entry: a misspelt kind and a misspelt parameter', () => {
    expect(run(unknownServiceEntry, BROKEN)).toEqual(
      expect.arrayContaining([
        `${BROKEN}/vms.yaml:40:15  vms[2].services[0].kind  unknown service kind "gittea"; did you mean "gitea"?`,
        `${BROKEN}/vms.yaml:79:26  vms[5].services[0].domian  prosody has no parameter "domian"; did you mean "domain"?`,
      ]),
    );
  });

  it('unmet-service-need: a dependency nobody runs, a port that needs IPv4 on a VM without it', () => {
    expect(run(unmetServiceNeed, BROKEN)).toEqual(
      expect.arrayContaining([
        `${BROKEN}/vms.yaml:55:9  vms[3].services[1].kind  coturn needs a public IPv4 address (3478/udp: STUN/TURN), but VM "db" has none; expected an ipv4 on a nic in a public network`,
        `${BROKEN}/vms.yaml:67:17  vms[4].services[0].kind  nextcloud needs collabora, which no VM runs; expected a VM with "collabora" in its services`,
      ]),
    );
  });

  it('port-claimed-twice: two services on one port of a VM', () => {
    expect(run(portClaimedTwice, BROKEN)).toEqual(
      expect.arrayContaining([
        `${BROKEN}/vms.yaml:14:29  vms[0].services[1].kind  port 80/tcp of static-web (services[1]) is already claimed by nginx-proxy (services[0]) on VM "proxy1"; expected each port once per VM`,
      ]),
    );
  });

  it("public-name-clash: a web name that is another VM's own name", () => {
    expect(run(publicNameClash, BROKEN)).toEqual(
      expect.arrayContaining([
        `${BROKEN}/vms.yaml:67:36  vms[4].services[0].domain  name "cloud.test.example.org" is the FQDN of VM "cloud" but would point at the proxies; expected a name that is not a VM's own`,
      ]),
    );
  });

  it("public-name-clash: a new alias that takes another service's name is blamed, not the unchanged domain", () => {
    const dir = mkdtempSync(join(tmpdir(), 'alias-clash-'));
    try {
      cpSync(FIXTURE, dir, { recursive: true });
      const vms = join(dir, 'vms.yaml');
      writeFileSync(
        vms,
        readFileSync(vms, 'utf8').replace(
          'aliases: [forge.fixture.example.org]',
          'aliases: [forge.fixture.example.org, im.fixture.example.org]',
        ),
      );
      expect(run(publicNameClash, dir).map((l) => l.replace(`${dir}/`, ''))).toEqual([
        'vms.yaml:49:102  vms[2].services[0].aliases[1]  name "im.fixture.example.org" is already served by synapse on matrix; expected each public name once',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sources-miss-own-hosts: a jump host outside ssh.sources', () => {
    expect(run(sourcesMissOwnHosts, FIXTURE)).toEqual([]);
    const read = readInventory(FIXTURE);
    const inventory = {
      ...read.inventory!,
      org: { ...read.inventory!.org, ssh: { ...read.inventory!.org.ssh, sources: [] } },
    };
    expect(
      sourcesMissOwnHosts({ inventory, sources: read.sources, services: deriveServices(inventory) }).map(
        formatFinding,
      ),
    ).toEqual([
      `${FIXTURE}/org.yaml:21:12  ssh.sources  VM "jump" runs ssh-jump but 2001:db8:3::f, 198.51.100.13 are not inside ssh.sources; expected a prefix containing them`,
    ]);
  });
});
