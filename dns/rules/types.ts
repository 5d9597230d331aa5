// What a zone rule returns: a message about a record, located where the inventory asks for it.
import type { DnsModel, Origin } from '../model.ts';

export interface ZoneFinding {
  readonly origin: Origin;
  readonly message: string;
}

export type ZoneRule = (model: DnsModel) => ZoneFinding[];

/** The values of one name and type across the model's zones (empty when there is no such set). */
export function valuesOf(model: DnsModel, name: string, type: string): readonly string[] {
  for (const zone of model.zones) {
    const set = zone.sets.find((s) => s.name === name && s.type === type);
    if (set) return set.values;
  }
  return [];
}

/** Is the name inside one of our zones? */
export function isOurs(model: DnsModel, name: string): boolean {
  return model.zones.some((z) => name === z.name || name.endsWith(`.${z.name}`));
}
