// Catalog findings are located in the YAML like every inventory finding: FILE:LINE:COL  path  message.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatFinding } from '../inventory/findings.ts';
import { loadInventory } from '../model/load.ts';
import { compiled } from './helpers/cli.ts';

const BROKEN = 'test/fixtures/services/broken';
const report = (dir: string): string[] => {
  const result = loadInventory(dir);
  return [...result.errors, ...result.warnings].map(formatFinding);
};

describe('the catalog check', () => {
  it('finds nothing wrong in the example inventory (BigBlueButton runs on os: other)', () => {
    expect(report('inventory')).toEqual([]);
  });

  it('finds nothing wrong in the good fixture', () => {
    expect(report('test/fixtures/services/good')).toEqual([]);
  });

  const broken = () => report(BROKEN);
  it('reports an unknown kind at its value, with the kind that was probably meant', () => {
    expect(broken()).toContain(
      `${BROKEN}/vms.yaml:40:15  vms[2].services[0].kind  unknown service kind "gittea"; did you mean "gitea"?`,
    );
  });

  it('reports a dependency no VM provides at the kind that needs it', () => {
    expect(broken()).toContain(
      `${BROKEN}/vms.yaml:67:17  vms[4].services[0].kind  nextcloud needs collabora, which no VM runs; expected a VM with "collabora" in its services`,
    );
  });

  it('reports two services claiming one port of a VM at the second of them', () => {
    expect(broken()).toContain(
      `${BROKEN}/vms.yaml:14:29  vms[0].services[1].kind  port 80/tcp of static-web (services[1]) is already claimed by nginx-proxy (services[0]) on VM "proxy1"; expected each port once per VM`,
    );
  });

  it('reports every other mistake of the broken fixture, sorted, and nothing else', () => {
    expect(broken()).toEqual([
      `${BROKEN}/vms.yaml:14:29  vms[0].services[1].kind  port 80/tcp of static-web (services[1]) is already claimed by nginx-proxy (services[0]) on VM "proxy1"; expected each port once per VM`,
      `${BROKEN}/vms.yaml:27:20  vms[1].reboot_window  reboot turn 2 of group "proxy" falls 30 minutes into a window of 20; expected a window of at least 31 minutes for 2 VMs 30 minutes apart`,
      `${BROKEN}/vms.yaml:40:15  vms[2].services[0].kind  unknown service kind "gittea"; did you mean "gitea"?`,
      `${BROKEN}/vms.yaml:55:9  vms[3].services[1].kind  coturn needs a public IPv4 address (3478/udp: STUN/TURN), but VM "db" has none; expected an ipv4 on a nic in a public network`,
      `${BROKEN}/vms.yaml:55:9  vms[3].services[1].kind  coturn takes the site's TURN secret (static-auth-secret, shared with Jitsi, Synapse and BigBlueButton) from the secrets store, but org.yaml declares no store; expected secrets.deploy_key in org.yaml (docs/secrets.md)`,
      `${BROKEN}/vms.yaml:67:17  vms[4].services[0].kind  nextcloud needs collabora, which no VM runs; expected a VM with "collabora" in its services`,
      `${BROKEN}/vms.yaml:67:36  vms[4].services[0].domain  name "cloud.test.example.org" is the FQDN of VM "cloud" but would point at the proxies; expected a name that is not a VM's own`,
      `${BROKEN}/vms.yaml:79:26  vms[5].services[0].domian  prosody has no parameter "domian"; did you mean "domain"?`,
    ]);
  });

  it('makes npm run check exit 1 with the catalog errors and writes them as the inventory errors are written', () => {
    const run = spawnSync(process.execPath, [compiled('cli/check.ts'), '--inventory', BROKEN], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      `${BROKEN}/vms.yaml:40:15  vms[2].services[0].kind  unknown service kind "gittea"`,
    );
    expect(run.stdout).toMatch(/^8 errors, 0 warnings$/m);
  });
});

describe('services and per-VM overrides in vms.yaml', () => {
  const BAD = 'test/fixtures/services/bad-entry';
  it('rejects a malformed service entry, reboot window, package name and extra port, each at its place', () => {
    const result = loadInventory(BAD);
    expect(result.errors.map(formatFinding)).toEqual([
      `${BAD}/vms.yaml:14:16  vms[0].services[0]  42: is not a service; expected a kind such as gitea, or { kind: gitea, domain: git.example.org }`,
      `${BAD}/vms.yaml:91:20  vms[6].reboot_window  "4am" is not a time window; expected HH:MM-HH:MM such as 03:00-05:00`,
      `${BAD}/vms.yaml:92:22  vms[6].extra_packages[0]  "Not_A_Package" is not a Debian package name`,
      `${BAD}/vms.yaml:93:27  vms[6].extra_ports[0].port  70000 is too large; expected at most 65535`,
      `${BAD}/vms.yaml:93:41  vms[6].extra_ports[0].proto  "icmp" is not allowed; expected one of "tcp", "udp"`,
    ]);
  });
});
