// Renders a zone of the DNS model as an RFC 1035 master file: the artifact reviewers read and the tests serve.
import type { RecordSet, RecordType, Zone } from './model.ts';

/** Value types whose last (or only) field is a host name, written absolute with a trailing dot. */
const NAME_AT_END: ReadonlySet<RecordType> = new Set(['NS', 'CNAME', 'PTR', 'MX', 'SRV']);

/** RFC 1035 3.3: a <character-string> holds at most 255 octets; a longer TXT is several strings. */
export function txtStrings(value: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < value.length; i += 255) strings.push(value.slice(i, i + 255));
  return strings;
}

/** One value as a master file writes it. */
export function zoneValue(type: RecordType, value: string): string {
  if (type === 'TXT')
    return txtStrings(value)
      .map((s) => `"${s}"`)
      .join(' ');
  if (type === 'SOA') {
    const [mname, rname, ...numbers] = value.split(' ');
    return [`${mname}.`, `${rname}.`, ...numbers].join(' ');
  }
  return NAME_AT_END.has(type) ? `${value}.` : value;
}

/** The lines of one record set: `git.example.org. 3600 IN AAAA 2001:db8:100::a`. */
export function recordLines(set: RecordSet): string[] {
  return set.values.map((v) => `${set.name}. ${set.ttl} IN ${set.type} ${zoneValue(set.type, v)}`);
}

export function renderZone(zone: Zone, defaultTtl: number): string {
  const seed = zone.sets.filter((s) => s.seed);
  const pushed = zone.sets.filter((s) => !s.seed);
  return [
    `; Zone ${zone.name}, written by \`npm run synth\` from the inventory: edit the inventory, not this file.`,
    '; The SOA serial is fixed here for review; the primary keeps the real one.',
    `$ORIGIN ${zone.name}.`,
    `$TTL ${defaultTtl}`,
    '; Loaded by the primary with the zone (the provider cannot update the zone apex NS, CAA or SOA):',
    ...seed.flatMap(recordLines),
    `; Pushed by the dns stack as RFC 2136 updates (${pushed.length} record sets):`,
    ...pushed.flatMap(recordLines),
    '',
  ].join('\n');
}
