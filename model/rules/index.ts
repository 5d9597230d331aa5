// The rules of the derived model, in the order they run: model/load.ts runs them once the inventory's own
// rules pass. The service catalog's first (kinds, parameters, dependencies, ports, public names, sources,
// databases, releases), the reboot turns, then the zone rules, which run only when those found no error.
// A new rule is a file in this folder, its cases beside it (`<name>.cases.ts`), and one line here.
import { apexNsAdded } from './apex-ns-added.ts';
import { aptKeyNotPinned } from './apt-key-not-pinned.ts';
import { cnameAlone } from './cname-alone.ts';
import { cnameLoop } from './cname-loop.ts';
import { databaseInAnotherSite } from './database-in-another-site.ts';
import { databaseIsReplica } from './database-is-replica.ts';
import { derivedNameOverridden } from './derived-name-overridden.ts';
import { forwardReverseAgree } from './forward-reverse-agree.ts';
import { nameInOurZones } from './name-in-our-zones.ts';
import { noDuplicate } from './no-duplicate.ts';
import { portClaimedTwice } from './port-claimed-twice.ts';
import { publicNameClash } from './public-name-clash.ts';
import { rebootTurnsClash } from './reboot-turns-clash.ts';
import { releaseNotPinned } from './release-not-pinned.ts';
import { secretsWithoutStore } from './secrets-without-store.ts';
import { sourcesMissOwnHosts } from './sources-miss-own-hosts.ts';
import { spfCoversSenders } from './spf-covers-senders.ts';
import { targetsHaveAddresses } from './targets-have-addresses.ts';
import { ttlInBounds } from './ttl-in-bounds.ts';
import { unknownServiceEntry } from './unknown-service-entry.ts';
import { unmetServiceNeed } from './unmet-service-need.ts';
import { webNamesResolve } from './web-names-resolve.ts';
import type { ModelRule } from './rule.ts';

export const MODEL_RULES: readonly ModelRule[] = [
  unknownServiceEntry,
  unmetServiceNeed,
  portClaimedTwice,
  publicNameClash,
  sourcesMissOwnHosts,
  databaseInAnotherSite,
  databaseIsReplica,
  releaseNotPinned,
  secretsWithoutStore,
  aptKeyNotPinned,
  rebootTurnsClash,
  cnameAlone,
  nameInOurZones,
  noDuplicate,
  targetsHaveAddresses,
  ttlInBounds,
  spfCoversSenders,
  webNamesResolve,
  forwardReverseAgree,
  apexNsAdded,
  derivedNameOverridden,
  cnameLoop,
];
