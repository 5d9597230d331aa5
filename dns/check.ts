// The zone rules of `npm run check`: each rule in dns/rules/, run over the DNS model, located in the YAML.
import type { InventoryFile } from '../inventory/rules/rule.ts';
import type { Finding } from '../inventory/findings.ts';
import type { SourceFile } from '../inventory/source.ts';
import type { DnsModel } from './model.ts';
import { apexNsAdded } from './rules/apex-ns-added.ts';
import { cnameAlone } from './rules/cname-alone.ts';
import { cnameLoop } from './rules/cname-loop.ts';
import { derivedNameOverridden } from './rules/derived-name-overridden.ts';
import { forwardReverseAgree } from './rules/forward-reverse-agree.ts';
import { nameInOurZones } from './rules/name-in-our-zones.ts';
import { noDuplicate } from './rules/no-duplicate.ts';
import { spfCoversSenders } from './rules/spf-covers-senders.ts';
import { targetsHaveAddresses } from './rules/targets-have-addresses.ts';
import { ttlInBounds } from './rules/ttl-in-bounds.ts';
import type { ZoneFinding, ZoneRule } from './rules/types.ts';
import { webNamesResolve } from './rules/web-names-resolve.ts';

export const ZONE_RULES: Readonly<Record<string, ZoneRule>> = {
  'cname-alone': cnameAlone,
  'name-in-our-zones': nameInOurZones,
  'no-duplicate': noDuplicate,
  'targets-have-addresses': targetsHaveAddresses,
  'ttl-in-bounds': ttlInBounds,
  'spf-covers-senders': spfCoversSenders,
  'web-names-resolve': webNamesResolve,
  'forward-reverse-agree': forwardReverseAgree,
  'apex-ns-added': apexNsAdded,
  'derived-name-overridden': derivedNameOverridden,
  'cname-loop': cnameLoop,
};

export function zoneFindings(model: DnsModel): ZoneFinding[] {
  return Object.values(ZONE_RULES).flatMap((rule) => rule(model));
}

/** The zone rules' findings on the model's DNS (model/derive.ts built it once), located in the YAML. */
export function dnsCheck(dns: DnsModel, sources: ReadonlyMap<InventoryFile, SourceFile>): Finding[] {
  const findings: Finding[] = [];
  for (const f of zoneFindings(dns)) {
    const source = sources.get(f.origin.file);
    if (source) findings.push(source.finding('error', f.origin.path, f.message));
  }
  return findings;
}
