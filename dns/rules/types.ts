// What a zone rule returns: a message about a record, located where the inventory asks for it.
import { type DnsModel, type Origin, zoneOf } from '../model.ts';

export interface ZoneFinding {
  readonly origin: Origin;
  readonly message: string;
}

export type ZoneRule = (model: DnsModel) => ZoneFinding[];

/** The values of one name and type across the model's zones (empty when there is no such set). */
export function valuesOf(model: DnsModel, name: string, type: string): readonly string[] {
  return model.sets.get(`${name} ${type}`)?.values ?? [];
}

/** Is the name inside one of our zones? */
export function isOurs(model: DnsModel, name: string): boolean {
  return zoneOf(name, model.zoneNames) !== undefined;
}
