// Prosody and Knot converged into real bookworm roots booted with systemd, each in a network namespace of its
// own: the fixture's XMPP VM (a throwaway certificate where certbot keeps it, as after a first issuance) and its
// hidden DNS primary (the TSIG key files and the zones' first load done as the runbook says), converged through
// the containers. Their own tools judge: `prosodyctl check config` and `check certs`, `knotc conf-check`, and
// `kdig` against the running Knot; a second converge changes nothing. Skipped with a printed reason where the
// tools or root are missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vmCertificates } from '../baseline/certificates.ts';
import { KNOT_KEYS, knotKeyFile } from '../baseline/knot.ts';
import { renderZone } from '../dns/zonefile.ts';
import { deriveModel, type Model } from '../model/derive.ts';
import { type BootedRoot, bootUnavailable } from './helpers/booted-root.ts';
import { bootHosts, storeFixture, throwawaySecrets } from './helpers/booted-fixture.ts';
import { convergeRoots, failedHosts, type RunResult, runCleanups } from './helpers/converge-roots.ts';
import { inRoot, rootUnavailable } from './helpers/debian-root.ts';
import { validInventory, vmNamed } from './helpers/inventories.ts';
import { throwawayCertificate } from './helpers/root-daemons.ts';

const UNAVAILABLE =
  rootUnavailable() ??
  bootUnavailable() ??
  (spawnSync('sh', ['-c', 'command -v openssl']).status === 0 ? undefined : 'openssl is missing');
if (UNAVAILABLE) console.warn(`skipping the Prosody and Knot booted-root tests: ${UNAVAILABLE}`);

/** The fixture's XMPP VM and its hidden DNS primary. */
const CHAT = 'chat';
const DNS = 'ns1';
const HOSTS = [CHAT, DNS] as const;
const DOMAIN = 'fixture.example.org';

const work = mkdtempSync(join(tmpdir(), 'chat-dns-roots-'));
const playbooks = join(work, 'ansible');
const secretsFile = join(work, 'secrets.yml');
const cleanups: (() => void)[] = [];
let model: Model;
let booted: ReadonlyMap<string, BootedRoot>;
let first: RunResult;

const inside = (host: string): BootedRoot => booted.get(host)!;
const converge = (): Promise<RunResult> => convergeRoots(playbooks, HOSTS, ['-e', `@${secretsFile}`]);

/**
 * What an operator does on a new DNS primary before its converge (docs/services.md, "After the first boot"):
 * the pipeline's TSIG key files made with keymgr, and each zone file of the synth's artifacts loaded once.
 */
function operatorSteps(root: string): void {
  for (const key of Object.values(KNOT_KEYS)) {
    const file = knotKeyFile(key);
    const made = inRoot(root, [
      'sh',
      '-c',
      `install -d -m 0750 -g knot /etc/knot/keys && keymgr -t ${key} hmac-sha256 > ${file} && chgrp knot ${file} && chmod 0640 ${file}`,
    ]);
    if (made.status !== 0) throw new Error(`keymgr failed: ${made.output}`);
  }
  for (const zone of model.dns.zones) {
    const file = join(root, 'var/lib/knot', `${zone.name}.zone`);
    writeFileSync(file, renderZone(zone, model.dns.ttl.default));
    inRoot(root, ['chown', 'knot:knot', `/var/lib/knot/${zone.name}.zone`]);
  }
}

beforeAll(async () => {
  if (UNAVAILABLE) return;
  storeFixture(join(work, 'org'), join(work, 'keys'));
  model = deriveModel(validInventory(join(work, 'org')));
  const hosts = await bootHosts({
    model,
    hosts: HOSTS,
    work,
    cleanups,
    prepare: (host, root) => {
      // No ACME server here: the XMPP domain's certificate exists, as after a first issuance.
      if (host === CHAT)
        for (const { name } of vmCertificates(model, vmNamed(model.inventory, CHAT)))
          throwawayCertificate(root, name);
      if (host === DNS) operatorSteps(root);
    },
  });
  booted = hosts.booted;
  throwawaySecrets(model, secretsFile, new Map());
  first = await converge();
  console.info(`first run of ${HOSTS.join(', ')}: ${first.seconds.toFixed(1)} s`);
}, 1_200_000);

// Powering the containers off and removing their roots takes minutes on a loaded machine.
afterAll(() => {
  runCleanups(cleanups, work);
}, 600_000);

/** The answer section of a kdig query inside the DNS root, one record per line. */
function dig(name: string, type: string): string {
  const r = inside(DNS).run(['kdig', '@127.0.0.1', '+short', '+timeout=5', name, type]);
  expect(r.status, r.output).toBe(0);
  return r.output.trim();
}

describe.skipIf(UNAVAILABLE)('Prosody and Knot in real Debian roots booted with systemd', () => {
  it('converges both hosts without a failure', () => {
    expect(failedHosts(first), first.output.slice(-4000)).toBe('');
    expect(first.status).toBe(0);
  });

  it('runs prosody and knot under systemd, enabled, none failed', () => {
    for (const [host, unit] of [
      [CHAT, 'prosody.service'],
      [DNS, 'knot.service'],
    ] as const) {
      expect(inside(host).waitActive(unit), `${host} ${unit}`).toBe('active');
      expect(inside(host).run(['systemctl', 'is-enabled', unit]).output.trim()).toBe('enabled');
      const failed = inside(host).run(['systemctl', '--failed', '--no-legend', '--plain']);
      expect(failed.output, host).not.toMatch(/^(prosody|knot|nftables|ssh)\S*\s/m);
    }
  });

  it('gives Prosody a configuration and certificates its own prosodyctl accepts', () => {
    const config = inside(CHAT).run(['prosodyctl', 'check', 'config']);
    expect(config.status, config.output).toBe(0);
    expect(config.output).toContain(`/etc/prosody/conf.d/${DOMAIN}.cfg.lua`);
    const certs = inside(CHAT).run(['prosodyctl', 'check', 'certs']);
    expect(certs.status, certs.output).toBe(0);
    expect(certs.output).toContain(DOMAIN);
  });

  it('gives Knot a configuration knotc accepts, and the running server answers the zones', () => {
    const check = inside(DNS).run(['knotc', 'conf-check']);
    expect(check.status, check.output).toBe(0);
    const soa = dig(DOMAIN, 'SOA');
    expect(soa).toMatch(
      new RegExp(`^\\S+\\.${DOMAIN.replaceAll('.', '\\.')}\\. \\S+ \\d+ \\d+ \\d+ \\d+ \\d+$`),
    );
    // A record of the model: the XMPP VM's address, as the DNS model has it.
    const zone = model.dns.zones.find((z) => z.name === DOMAIN)!;
    const chat = zone.sets.find((s) => s.name === `${CHAT}.${DOMAIN}` && s.type === 'AAAA')!;
    expect(chat.values).toEqual(['2001:db8:3::e']);
    expect(dig(`${CHAT}.${DOMAIN}`, 'AAAA')).toBe(chat.values.join('\n'));
  });

  it('changes nothing on a second run', async () => {
    const second = await converge();
    console.info(`second run of ${HOSTS.join(', ')}: ${second.seconds.toFixed(1)} s`);
    expect(failedHosts(second), second.output.slice(-4000)).toBe('');
    expect(Object.fromEntries(second.changed)).toEqual({});
  }, 900_000);
});
