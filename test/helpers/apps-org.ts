// The fixture organisation with the applications Debian does not package (Nextcloud with Collabora, Etherpad,
// PeerTube with a runner, MoinMoin, accounts), a secrets store and throwaway release pins, in a test's directory.
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FIXTURE } from './inventories.ts';
import { throwawayKey } from './ssh-keys.ts';

/** The commit the accounts pin names (its version and part of its URL). */
export const ACCOUNTS_COMMIT = '3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e';

const VMS: readonly [name: string, service: string][] = [
  [
    'nc1',
    '{ kind: nextcloud, domain: cloud.fixture.example.org, aliases: [files.fixture.example.org], db: db1 }',
  ],
  ['office1', '{ kind: collabora, domain: office.fixture.example.org }'],
  ['pad1', '{ kind: etherpad, domain: pad.fixture.example.org, db: db1 }'],
  ['video1', '{ kind: peertube, domain: video.fixture.example.org, db: db1 }'],
  ['runner1', 'peertube-runner'],
  ['wiki1', '{ kind: moinmoin, domain: wiki.fixture.example.org }'],
  ['id1', '{ kind: accounts, domain: id.fixture.example.org, db: db1 }'],
];

/** A well-formed pin of a release no one downloads (the URL's host is reserved for tests). */
function pin(app: string, version: string, url: string): string {
  const sha256 = createHash('sha256').update(`${app} ${version}`).digest('hex');
  return `  ${app}:\n    version: ${version}\n    url: ${url}\n    sha256: ${sha256}\n`;
}

export const RELEASES = `releases:\n${[
  pin('gitea', '1.22.6', 'https://dl.test.example.org/gitea/1.22.6/gitea-1.22.6-linux-amd64'),
  pin('nextcloud', '30.0.8', 'https://dl.test.example.org/nextcloud-30.0.8.tar.bz2'),
  pin('etherpad', '2.5.3', 'https://dl.test.example.org/etherpad-lite/v2.5.3.tar.gz'),
  pin('peertube', '6.3.3', 'https://dl.test.example.org/peertube/v6.3.3/peertube-v6.3.3.zip'),
  pin('moinmoin', '2.0.0b5', 'https://dl.test.example.org/moin-2.0.0b5-py3-none-any.whl'),
  pin(
    'accounts',
    ACCOUNTS_COMMIT,
    `https://code.fixture.example.org/infra/accounts/archive/${ACCOUNTS_COMMIT}.tar.gz`,
  ),
].join('')}repositories:
  # Well-formed pins of the upstream apt keys the fixture's Synapse and Collabora need (nothing is downloaded).
  matrix-org: { fingerprint: ${'A'.repeat(40)} }
  collaboraonline: { fingerprint: ${'B'.repeat(40)} }
`;

/** Copies the fixture organisation to `dir` with the application VMs (site one), the pins and a store's deploy key. */
export function appsFixture(dir: string, keys: string): void {
  cpSync(FIXTURE, dir, { recursive: true });
  const vms = VMS.map(
    ([name, service], i) => `  - name: ${name}
    cluster: ceph
    node: node${(i % 3) + 1}
    id: ${121 + i}
    cores: 1
    memory: 1
    os: debian-12
    disks: [{ storage: ceph-vm, size: 16 }]
    nics:
      - { network: one-public, ipv6: "2001:db8:1::${(0x21 + i).toString(16)}" }
    services: [${service}]
`,
  );
  appendFileSync(join(dir, 'vms.yaml'), vms.join(''));
  writeFileSync(join(dir, 'releases.yaml'), RELEASES);
  const deploy = readFileSync(`${throwawayKey(keys, 'deploy', 'deploy@test')}.pub`, 'utf8').trim();
  appendFileSync(join(dir, 'org.yaml'), `secrets:\n  deploy_key: ${deploy}\n`);
}
