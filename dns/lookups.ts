// What the zone rules (model/rules/) ask of the DNS model, and how a message about a record is located
// where the inventory asks for it.
import type { RuleFinding } from '../inventory/rules/rule.ts';
import { type DnsModel, indexSets, type Origin, zoneOf } from './model.ts';

/** A message about a record at the place in the inventory that asks for it. */
export interface ZoneFinding {
  readonly origin: Origin;
  readonly message: string;
}

/** A zone finding as a rule reports it: an error at the record's origin. */
export const atOrigin = (f: ZoneFinding): RuleFinding => ({
  severity: 'error',
  file: f.origin.file,
  path: f.origin.path,
  message: f.message,
});

/** The values of one name and type across the model's zones (empty when there is no such set). */
export function valuesOf(model: DnsModel, name: string, type: string): readonly string[] {
  return model.sets.get(`${name} ${type}`)?.values ?? [];
}

/** Is the name inside one of our zones? */
export function isOurs(model: DnsModel, name: string): boolean {
  return zoneOf(name, model.zoneNames) !== undefined;
}

/** The model with one record set's values replaced: how a zone rule's cases break a record the inventory derives. */
export function withValues(model: DnsModel, name: string, type: string, values: string[]): DnsModel {
  const zones = model.zones.map((z) => ({
    ...z,
    sets: z.sets.map((s) => (s.name === name && s.type === type ? { ...s, values } : s)),
  }));
  return { ...model, zones, sets: indexSets(zones) };
}
