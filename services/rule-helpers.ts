// Small helpers the catalog's rules (model/rules/) share: where a service entry is, how a port reads, address coverage.
import type { Path } from '../inventory/findings.ts';
import { contains, type Family, parseAddress, type Prefix } from '../inventory/net.ts';
import { portRangeText } from '../inventory/ports.ts';

/** The `kind` field of a VM's service entry, where findings about the entry point. */
export const kindPath = (vi: number, si: number): Path => ['vms', vi, 'services', si, 'kind'];

export const portText = (c: { proto: string; from: number; to: number }): string =>
  `${portRangeText(c)}/${c.proto}`;

/** Whether `address` lies inside one of `prefixes`. */
export function covered(address: string, prefixes: readonly Prefix[]): boolean {
  const family: Family = address.includes(':') ? 6 : 4;
  const value = parseAddress(address, family);
  if (value === undefined) return false;
  return prefixes.some((prefix) => prefix.family === family && contains(prefix, value));
}
