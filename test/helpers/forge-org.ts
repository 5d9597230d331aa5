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
