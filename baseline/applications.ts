// The configuration of the applications installed from upstream releases, one part each: the hook vm-model.ts calls.
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { droneParts } from './drone.ts';
import { giteaPart } from './gitea.ts';
import type { Part } from './parts.ts';

/** What configures each application on a VM beyond its release (its config files, its bootstrap). */
export function applicationParts(model: Model, vm: Vm): Part[] {
  return [giteaPart(model, vm), ...droneParts(model, vm)].filter((p): p is Part => p !== undefined);
}
