// One DNS record set (a name and a type) as the hashicorp/dns resource that pushes it by RFC 2136.
import { AaaaRecordSet } from '@cdktf/provider-dns/lib/aaaa-record-set/index.js';
import { ARecordSet } from '@cdktf/provider-dns/lib/a-record-set/index.js';
import { CnameRecord } from '@cdktf/provider-dns/lib/cname-record/index.js';
import { MxRecordSet } from '@cdktf/provider-dns/lib/mx-record-set/index.js';
import { NsRecordSet } from '@cdktf/provider-dns/lib/ns-record-set/index.js';
import { PtrRecord } from '@cdktf/provider-dns/lib/ptr-record/index.js';
import { SrvRecordSet } from '@cdktf/provider-dns/lib/srv-record-set/index.js';
import { TxtRecordSet } from '@cdktf/provider-dns/lib/txt-record-set/index.js';
import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

/** The record types the provider can push. */
export type PushedType = 'A' | 'AAAA' | 'CNAME' | 'MX' | 'NS' | 'SRV' | 'TXT' | 'PTR';

export interface DnsRecordSetProps {
  /** The zone, without the trailing dot. */
  readonly zone: string;
  /** The owner name, fully qualified without the trailing dot; the zone itself for the apex. */
  readonly name: string;
  readonly type: PushedType;
  readonly ttl: number;
  /** Zone-file values without trailing dots: `10 mail.example.org` (MX), `5 0 5222 xmpp.example.org` (SRV). */
  readonly values: readonly string[];
  /** The Terraform resource name, stable and derived from `name`. */
  readonly logicalId: string;
}

const abs = (name: string): string => `${name}.`;

export class DnsRecordSet extends Construct {
  readonly resource: TerraformResource;

  constructor(scope: Construct, id: string, props: DnsRecordSetProps) {
    super(scope, id);
    const { zone, type, ttl, values } = props;
    if (props.name !== zone && !props.name.endsWith(`.${zone}`))
      throw new Error(`DnsRecordSet: ${props.name} is not in zone ${zone}`);
    if (values.length === 0) throw new Error(`DnsRecordSet: ${props.name} ${type} has no values`);
    // The provider appends the zone to `name`, and wants no name at all for the apex.
    const relative = props.name === zone ? undefined : props.name.slice(0, -zone.length - 1);
    const name = relative === undefined ? {} : { name: relative };
    if ((type === 'CNAME' || type === 'NS' || type === 'SRV' || type === 'PTR') && relative === undefined)
      throw new Error(`DnsRecordSet: the provider cannot write ${type} at the apex of ${zone}`);
    const base = { zone: abs(zone), ttl, ...name };
    const sorted = [...values].sort();
    switch (type) {
      case 'A':
        this.resource = new ARecordSet(this, 'set', { ...base, addresses: sorted });
        break;
      case 'AAAA':
        this.resource = new AaaaRecordSet(this, 'set', { ...base, addresses: sorted });
        break;
      case 'TXT':
        this.resource = new TxtRecordSet(this, 'set', { ...base, txt: sorted });
        break;
      case 'NS':
        this.resource = new NsRecordSet(this, 'set', {
          ...base,
          name: relative!,
          nameservers: sorted.map(abs),
        });
        break;
      case 'MX':
        this.resource = new MxRecordSet(this, 'set', {
          ...base,
          mx: sorted.map((v) => {
            const [preference, exchange] = v.split(' ');
            return { preference: Number(preference), exchange: abs(exchange!) };
          }),
        });
        break;
      case 'SRV':
        this.resource = new SrvRecordSet(this, 'set', {
          ...base,
          name: relative!,
          srv: sorted.map((v) => {
            const [priority, weight, port, target] = v.split(' ');
            return {
              priority: Number(priority),
              weight: Number(weight),
              port: Number(port),
              target: abs(target!),
            };
          }),
        });
        break;
      case 'CNAME':
        this.resource = new CnameRecord(this, 'set', { ...base, name: relative!, cname: abs(sorted[0]!) });
        break;
      case 'PTR':
        this.resource = new PtrRecord(this, 'set', { ...base, name: relative!, ptr: abs(sorted[0]!) });
        break;
    }
    this.resource.overrideLogicalId(props.logicalId);
  }
}
