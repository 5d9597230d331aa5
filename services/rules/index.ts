// The service catalog's rules, in the order they run; model/load.ts runs them once the inventory's own
// rules pass. A new rule is a new file in this folder, named after what it forbids, and one line here.
import type { CatalogRule } from './rule.ts';
import { aptKeyNotPinned } from './apt-key-not-pinned.ts';
import { databaseInAnotherSite } from './database-in-another-site.ts';
import { databaseIsReplica } from './database-is-replica.ts';
import { portClaimedTwice } from './port-claimed-twice.ts';
import { publicNameClash } from './public-name-clash.ts';
import { releaseNotPinned } from './release-not-pinned.ts';
import { sourcesMissOwnHosts } from './sources-miss-own-hosts.ts';
import { unknownServiceEntry } from './unknown-service-entry.ts';
import { unmetServiceNeed } from './unmet-service-need.ts';

export const CATALOG_RULES: readonly CatalogRule[] = [
  unknownServiceEntry,
  unmetServiceNeed,
  portClaimedTwice,
  publicNameClash,
  sourcesMissOwnHosts,
  databaseInAnotherSite,
  databaseIsReplica,
  releaseNotPinned,
  aptKeyNotPinned,
];
