// The fixture organisation with a secrets store and the upstream kinds it does not run itself: a TURN
// server, Jitsi Meet with a stand-alone videobridge, and Nextcloud with Collabora, all in site one.
import { appendFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { declareStore, FIXTURE } from './inventories.ts';

function vm(name: string, id: number, host: number, services: string): string {
  return `  - name: ${name}
    cluster: ceph
    node: node${(id % 3) + 1}
    id: ${id}
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::${host.toString(16)}", ipv4: 192.0.2.${host} }
    services: ${services}
`;
}

/** Copies the fixture to `dir` with the upstream kinds and a store (its deploy key in `dir`.keys). */
export function upstreamFixture(dir: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  declareStore(dir);
  appendFileSync(
    join(dir, 'vms.yaml'),
    [
      vm('turn', 120, 40, '[{ kind: coturn, domain: turn.fixture.example.org }]'),
      vm('meet', 121, 41, '[{ kind: jitsi-meet, domain: meet.fixture.example.org }]'),
      vm('bridge', 122, 42, '[jitsi-videobridge]'),
      vm('coolwsd', 123, 43, '[{ kind: collabora, domain: office.fixture.example.org }]'),
      vm('files', 124, 44, '[{ kind: nextcloud, domain: cloud.fixture.example.org, db: db1 }]'),
    ].join(''),
  );
}
