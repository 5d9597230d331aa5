// The configuration of the kinds from upstream apt repositories (Synapse, Jitsi, Collabora), one part each:
// the one hook baseline/vm-model.ts calls for them.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Part } from './parts.ts';
import { collaboraPart } from './collabora.ts';
import { jitsiParts } from './jitsi.ts';
import { synapsePart } from './synapse.ts';

export function upstreamKindParts(model: Model, vm: Vm): Part[] {
  const parts = [synapsePart(model, vm), collaboraPart(model, vm), ...jitsiParts(model, vm)];
  return parts.filter((p): p is Part => p !== undefined);
}
