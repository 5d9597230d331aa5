// The fixture organisation with the service kinds it does not run itself (a status page, an SFTP drop with a
// partner), copied into a test's own directory: for the tests of what the playbooks set up for them.
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE } from './inventories.ts';

/** The partner account of the SFTP drop the copy adds. */
export const SFTP_PARTNER = 'printshop';

/**
 * Copies the fixture organisation to `dir` and adds two VMs in site one: `uptime` (a status page on
 * status.fixture.example.org) and `drop` (an SFTP drop whose partner logs in with `partnerKey`).
 */
export function servicesFixture(dir: string, partnerKey: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  appendFileSync(
    join(dir, 'vms.yaml'),
    `  - name: uptime
    cluster: ceph
    node: node1
    id: 111
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::14" }
    tags: [web]
    services: [{ kind: status-page, domain: status.fixture.example.org }]
  - name: drop
    cluster: ceph
    node: node2
    id: 112
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::15" }
    tags: [files]
    services:
      - kind: sftp-drop
        partners: [{ name: ${SFTP_PARTNER}, keys: [${JSON.stringify(partnerKey)}] }]
`,
  );
}
