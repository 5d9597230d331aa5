// Reads the records a hashicorp/dns resource of a synthesized stack pushes: `git.example.org. AAAA 2001:db8::a`.
// The diff shows DNS changes as these lines; the Knot test compares them with what the server answers.

export interface PushedRecords {
  /** Fully qualified, with the trailing dot. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  /** Values as a zone file writes them, sorted. */
  readonly values: readonly string[];
}

const TYPES: Readonly<Record<string, string>> = {
  dns_a_record_set: 'A',
  dns_aaaa_record_set: 'AAAA',
  dns_cname_record: 'CNAME',
  dns_mx_record_set: 'MX',
  dns_ns_record_set: 'NS',
  dns_ptr_record: 'PTR',
  dns_srv_record_set: 'SRV',
  dns_txt_record_set: 'TXT',
};

export function isDnsResourceType(type: string): boolean {
  return type in TYPES;
}

type Json = Readonly<Record<string, unknown>>;

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** The records of one dns_* resource as its JSON configures them; undefined for another resource type. */
export function pushedRecords(type: string, config: Json): PushedRecords | undefined {
  const rrtype = TYPES[type];
  if (!rrtype) return undefined;
  const zone = str(config.zone);
  const name = typeof config.name === 'string' && config.name !== '' ? `${config.name}.${zone}` : zone;
  let values: string[];
  switch (rrtype) {
    case 'A':
    case 'AAAA':
      values = list(config.addresses).map(str);
      break;
    case 'TXT':
      values = list(config.txt).map((t) => `"${str(t)}"`);
      break;
    case 'NS':
      values = list(config.nameservers).map(str);
      break;
    case 'MX':
      values = list(config.mx).map((m) => `${str(m.preference)} ${str(m.exchange)}`);
      break;
    case 'SRV':
      values = list(config.srv).map(
        (s) => `${str(s.priority)} ${str(s.weight)} ${str(s.port)} ${str(s.target)}`,
      );
      break;
    case 'CNAME':
      values = [str(config.cname)];
      break;
    default:
      values = [str(config.ptr)];
  }
  // The provider's default TTL when none is set.
  const ttl = typeof config.ttl === 'number' ? config.ttl : 3600;
  return { name, type: rrtype, ttl, values: values.sort() };
}

/** One line per record: `git.example.org. AAAA 2001:db8:100::a`. */
export function recordLines(records: PushedRecords | undefined): string[] {
  return records ? records.values.map((v) => `${records.name} ${records.type} ${v}`) : [];
}
