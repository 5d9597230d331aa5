// The applications Debian does not package whose configuration the model writes, the hook vm-model.ts calls:
// Nextcloud, Etherpad, PeerTube, MoinMoin and accounts install their pinned release themselves; Gitea and Drone
// get their configuration and bootstrap beyond the release releases.ts installs (docs/services.md).
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { accountsParts, ACCOUNTS } from './accounts.ts';
import { appFacts, type AppFacts } from './app-facts.ts';
import { droneParts } from './drone.ts';
import { ETHERPAD, etherpadParts } from './etherpad.ts';
import { giteaPart } from './gitea.ts';
import { MOINMOIN, moinParts } from './moinmoin.ts';
import { NEXTCLOUD, nextcloudPart } from './nextcloud.ts';
import type { Part } from './parts.ts';
import { PEERTUBE, peertubeParts } from './peertube.ts';

/** Each application's parts from its facts; each installs its own release (releaseParts leaves these out). */
const APPS: Readonly<Record<string, (model: Model, facts: AppFacts) => Part[]>> = {
  [NEXTCLOUD]: (model, facts) => [nextcloudPart(model, facts)],
  [ETHERPAD]: (_model, facts) => etherpadParts(facts),
  [PEERTUBE]: (_model, facts) => peertubeParts(facts),
  [MOINMOIN]: (model, facts) => moinParts(facts, model.inventory.org.timezone),
  [ACCOUNTS]: (_model, facts) => accountsParts(facts),
};

export const APP_KINDS: ReadonlySet<string> = new Set(Object.keys(APPS));

/**
 * The parts of the applications on this VM that releases.yaml pins, then Gitea's and Drone's. One instance per
 * kind and VM: a release lives in /opt/<app>, so a second instance of a kind on the same VM would share it (the
 * first one's settings win). An application without a pin gets nothing: there is no release to configure.
 */
export function appParts(model: Model, vm: Vm): Part[] {
  const seen = new Set<string>();
  const parts: Part[] = [];
  for (const instance of model.services.onVm.get(vm.name) ?? []) {
    const render = APPS[instance.kind];
    const release = model.inventory.releases[instance.kind];
    if (!render || !release || seen.has(instance.kind)) continue;
    seen.add(instance.kind);
    parts.push(...render(model, appFacts(model, instance, release)));
  }
  const gitea = giteaPart(model, vm);
  return [...parts, ...(gitea ? [gitea] : []), ...droneParts(model, vm)];
}
