// A service that needs PostgreSQL and names no `db:` uses the first PostgreSQL VM of its own site; with
// none there it is an error asking for an explicit `db:`, never a silent choice of another site's.
import { afterAll, describe, expect, it } from 'vitest';
import { dependencyTargets, deriveServices } from '../services/instances.ts';
import { findingsOf, removeVariants, variantDir, WITH_SERVICES } from './helpers/variant.ts';

afterAll(removeVariants);

/** VM 4 of the fixture, "chat", is in site two; the only PostgreSQL VM, "db", is in site one. */
const giteaOnChat = (db?: string) => ({
  file: 'vms.yaml' as const,
  path: ['vms', 4, 'services'],
  value: [
    { kind: 'prosody', domain: 'test.example.org' },
    'nginx-proxy',
    { kind: 'gitea', domain: 'code.test.example.org', ...(db ? { db } : {}) },
  ],
});

describe('database in another site', () => {
  it('is an error without db:, naming the candidates', () => {
    const { lines } = findingsOf(variantDir([giteaOnChat()], WITH_SERVICES));
    expect(lines).toContain(
      'vms.yaml:68:15  vms[4].services[2].kind  gitea needs postgresql, but site "two" has none, and a database in another site is never chosen silently; expected an explicit db: (one of db)',
    );
  });

  it('is fine with an explicit db: in the other site', () => {
    const { result } = findingsOf(variantDir([giteaOnChat('db')], WITH_SERVICES));
    expect(result.errors.map((e) => e.message).filter((m) => m.includes('postgresql'))).toEqual([]);
  });

  it('picks the PostgreSQL VM of the same site when there is one', () => {
    const { result } = findingsOf(variantDir([], WITH_SERVICES));
    const inventory = result.inventory!;
    const services = deriveServices(inventory);
    const git = services.instances.find((i) => i.kind === 'gitea')!;
    const withoutDb = { ...git, params: { ...git.params, db: undefined } };
    expect(dependencyTargets(services, withoutDb, 'postgresql').map((vm) => vm.name)).toEqual(['db']);
  });
});
