// Schema of inventory/dns.yaml: zones and DNS records that nothing in the inventory derives (optional file).
import { z } from 'zod';
import { title } from './grammars.ts';
import { parseIPv4, parseIPv6 } from './net.ts';
import { domainName } from './org.schema.ts';

/** A host name or owner name; labels may start with `_` (`_dmarc`, `_xmpp-client._tcp`). */
const OWNER = /^(_?[a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const HOST = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const U16 = '(0|[1-9]\\d{0,4})';

export const recordTypes = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'SRV', 'TXT'] as const;
export type RecordType = (typeof recordTypes)[number];

/**
 * Longest TXT text: a 4096-bit DKIM key fits. Longer than 255, it is split into strings of 255 as RFC 1035
 * requires, by the zone files and by the dns provider (miekg/dns splits a long quoted string when it parses
 * the record, and joins the strings again when it reads it back).
 */
export const TXT_MAX = 2048;

/**
 * What a value of each type must look like: the form a zone file writes, without trailing dots. TXT is one
 * text of printable ASCII without `"` or `\`, which the provider cannot quote (it writes `"TEXT"` into the
 * record it parses). `${` is fine: InfraApp escapes every literal, so Terraform never reads it as a template.
 */
export function recordValueProblem(type: RecordType, value: string): string | undefined {
  const u16 = (text: string): boolean => Number(text) <= 65535;
  switch (type) {
    case 'A':
      return parseIPv4(value) === undefined ? 'is not an IPv4 address' : undefined;
    case 'AAAA':
      return parseIPv6(value) === undefined ? 'is not an IPv6 address' : undefined;
    case 'CNAME':
    case 'NS':
      return HOST.test(value) ? undefined : 'is not a host name; expected something like host.example.org';
    case 'MX': {
      const m = new RegExp(`^${U16} (\\S+)$`).exec(value);
      return m && u16(m[1]!) && HOST.test(m[2]!)
        ? undefined
        : 'is not an MX value; expected "PREFERENCE HOST" such as "10 mail.example.org"';
    }
    case 'SRV': {
      const m = new RegExp(`^${U16} ${U16} ${U16} (\\S+)$`).exec(value);
      return m && u16(m[1]!) && u16(m[2]!) && u16(m[3]!) && HOST.test(m[4]!)
        ? undefined
        : 'is not an SRV value; expected "PRIORITY WEIGHT PORT HOST" such as "5 0 5222 xmpp.example.org"';
    }
    case 'TXT':
      if (!new RegExp(`^[\\x20-\\x7e]{1,${TXT_MAX}}$`).test(value) || /["\\]/.test(value))
        return `is not a TXT text; expected 1 to ${TXT_MAX} printable ASCII characters without " or \\`;
      return undefined;
  }
}

export const dnsRecordSchema = z
  .strictObject({
    /** Fully qualified, without the trailing dot: `example.org`, `_dmarc.example.org`. */
    name: z.string().regex(OWNER, { error: 'is not a DNS name; expected something like www.example.org' }),
    type: z.enum(recordTypes),
    value: z.string(),
    /** Seconds. @default org.yaml dns.ttl */
    ttl: z.number().int().optional(),
    /** Why the record exists, for the next person. */
    comment: title(200).optional(),
  })
  .superRefine((record, ctx) => {
    const problem = recordValueProblem(record.type, record.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem, input: record.value });
  });

export const dnsFileSchema = z.strictObject({
  /** Forward zones the organisation owns besides org.yaml's domain. */
  zones: z.array(domainName).default([]),
  /** Records that nothing in the inventory derives: verification TXT, a CNAME to a hosted service. */
  records: z.array(dnsRecordSchema).default([]),
});

export type DnsFile = z.infer<typeof dnsFileSchema>;
export type DnsFileRecord = z.infer<typeof dnsRecordSchema>;
