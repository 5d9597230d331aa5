// The fixture organisation as a forge: its Gitea pinned in releases (at a URL the test serves) and a secrets store declared, as a derived model.
import type { Inventory } from '../../inventory/inventory.ts';
import type { Release } from '../../inventory/releases.schema.ts';
import { deriveModel, type Model } from '../../model/derive.ts';
import { fixtureInventory } from './inventories.ts';

/** A stand-in pin for tests that never download (the real-root test passes its own). */
export const PINNED_GITEA: Release = {
  version: '1.22.6',
  url: 'https://dl.gitea.com/gitea/1.22.6/gitea-1.22.6-linux-amd64',
  sha256: '0'.repeat(64),
};

/** The fixture with `releases` and a store (its deploy key is the bootstrap admin's public key), and changes. */
export function forgeModel(
  releases: Inventory['releases'] = { gitea: PINNED_GITEA },
  change: (inventory: Inventory) => Inventory = (i) => i,
): Model {
  const fixture = fixtureInventory();
  const inventory: Inventory = {
    ...fixture,
    releases,
    org: { ...fixture.org, secrets: { deploy_key: fixture.org.admin.keys[0]! } },
  };
  return deriveModel(change(inventory));
}

/** A Drone server `ci` (ci.fixture.example.org, database on db1) and a runner `runner1` beside the forge. */
export function withDrone(inventory: Inventory): Inventory {
  const git = inventory.vms.find((v) => v.name === 'git')!;
  const clone = (name: string, id: number, last: string, services: Inventory['vms'][number]['services']) => ({
    ...git,
    name,
    id,
    cores: 8,
    protected: false,
    nics: git.nics.map((n) => ({ ...n, ipv6: n.ipv6?.replace(/::c$/, `::${last}`) })),
    services,
  });
  return {
    ...inventory,
    vms: [
      ...inventory.vms,
      clone('ci', 140, 'c1', [{ kind: 'drone-server', domain: 'ci.fixture.example.org', db: 'db1' }]),
      clone('runner1', 141, 'c2', [{ kind: 'drone-runner' }]),
    ],
  };
}

/** Drone's images pinned by digest (made-up digests: nothing here pulls them). */
export const PINNED_DRONE: NonNullable<Inventory['containers']> = {
  'drone-server': { version: '2.26.0', image: `docker.io/drone/drone@sha256:${'1'.repeat(64)}` },
  'drone-runner': { version: '1.8.3', image: `docker.io/drone/drone-runner-docker@sha256:${'2'.repeat(64)}` },
};
