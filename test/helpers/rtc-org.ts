// The fixture organisation with a secrets store, a TURN server and a Mumble server added (it has none of them
// itself), copied into a test's own directory: for the tests of coturn's, Mumble's and the Icinga2 master's
// configuration. Both kinds take secrets from the store, so an organisation without one is refused.
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { declareStore, FIXTURE } from './inventories.ts';

/** The TURN name and the Mumble welcome text the copy sets (the text quotes, escapes and leaves ASCII). */
export const TURN_NAME = 'turn.fixture.example.org';
export const MUMBLE_WELCOME = 'Welcome, "friends" & <guests>; C:\\ #1 = ünïcode';

/**
 * Copies the fixture organisation to `dir`, declares a store (its deploy key goes to `dir`.keys) and adds
 * `turn` (coturn) and `voice` (Mumble) in site one.
 */
export function rtcFixture(dir: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  declareStore(dir);
  appendFileSync(
    join(dir, 'vms.yaml'),
    `  - name: turn
    cluster: ceph
    node: node1
    id: 113
    cores: 2
    memory: 2
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::16", ipv4: 192.0.2.13 }
    tags: [chat]
    services: [{ kind: coturn, domain: ${TURN_NAME} }]
  - name: voice
    cluster: ceph
    node: node2
    id: 114
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::17", ipv4: 192.0.2.14 }
    tags: [chat]
    services: [{ kind: mumble, welcome: ${JSON.stringify(MUMBLE_WELCOME)} }]
`,
  );
}
