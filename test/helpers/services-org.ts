// The fixture organisation with the service kinds it does not run itself (a status page, an SFTP drop with a
// partner, a static website, an apt cache) and a member who may only use the jump host, copied into a
// test's own directory: for the tests of what the playbooks set up for them.
import { appendFileSync, cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE } from './inventories.ts';

/** The partner account of the SFTP drop the copy adds. */
export const SFTP_PARTNER = 'printshop';
/** The member the copy adds: an account on the jump host only, logging in with the key given. */
export const JUMP_MEMBER = 'hop';
/** A member key of the fixture (whose private half no test has), for copies that log in as nobody. */
const FIXTURE_MEMBER_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM63rSJofh9PY67fRhyHUl3pUS2RiJhd42LVr0dxnZzb hop@test';

/**
 * Copies the fixture organisation to `dir` and adds four VMs in site one: `uptime` (a status page on
 * status.fixture.example.org), `drop` (an SFTP drop whose partner logs in with `partnerKey`), `site` (a
 * static website on www.fixture.example.org) and `cache` (an apt cache); and a member, JUMP_MEMBER, whose
 * role grants SSH on the jump host only, with `memberKey`, sponsored by the two admin members (`ada`, `bob`).
 */
export function servicesFixture(dir: string, partnerKey: string, memberKey = FIXTURE_MEMBER_KEY): void {
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
  - name: site
    cluster: ceph
    node: node3
    id: 113
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::16" }
    tags: [web]
    services: [static-web]
  - name: cache
    cluster: ceph
    node: node1
    id: 114
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::17" }
    tags: [infra]
    services: [apt-cache]
`,
  );
  writeFileSync(
    join(dir, 'roles.yaml'),
    `roles:
  - name: admin
    description: Everything, everywhere.
    ssh: all
    sudo: true
  - name: traveller
    description: Reaches the VMs through the jump host, and logs in nowhere else.
    ssh: { services: [ssh-jump] }
`,
  );
  writeFileSync(
    join(dir, 'members.yaml'),
    `members:
  - user: ada
    name: Ada Lovelace
    email: ada@partner.example.net
    keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDzepZuQ/dD9gOxp6v8cfWWPNazNZxpq3mx10M56FDg2 ada@test
    roles: [admin, traveller]
    since: 2020-01-01
    sponsor: bob
  - user: bob
    name: Bob Builder
    email: bob@partner.example.net
    keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJgDXGqRQ1DZqdHAgRO/wS0YWADw6L0OlO0ddLfCft2+ bob@test
    roles: [admin, traveller]
    since: 2020-01-01
    sponsor: ada
  - user: ${JUMP_MEMBER}
    name: Hop Along
    email: hop@partner.example.net
    keys: [${JSON.stringify(memberKey)}]
    roles: [traveller]
    since: 2024-01-01
    sponsor: ada
`,
  );
}
