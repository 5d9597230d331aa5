// The dns stack: every record set of every zone we own, pushed to the hidden primary by RFC 2136.
import { IndependentStack } from '../constructs/IndependentStack.ts';
import type { Construct } from 'constructs';
import { DnsRecordSet, type PushedType } from '../constructs/DnsRecordSet.ts';
import { DnsUpdateProvider } from '../constructs/DnsUpdateProvider.ts';
import type { DnsModel } from '../dns/model.ts';
import { configureBackend } from './backend.ts';
import { DNS_STACK, dnsResourceName } from './naming.ts';

export interface DnsStackProps {
  /** The DNS model of the inventory (dns/model.ts); it must have a primary. */
  readonly model: DnsModel;
  /** Environment the backend settings come from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export class DnsStack extends IndependentStack {
  constructor(scope: Construct, props: DnsStackProps) {
    super(scope, DNS_STACK);
    const { model } = props;
    if (!model.primary) throw new Error('DnsStack: the inventory runs no dns-primary; expected one');
    new DnsUpdateProvider(this, 'dns', { server: model.primary.server });
    configureBackend(this, DNS_STACK, props.env ?? process.env);
    for (const zone of model.zones) {
      for (const set of zone.sets) {
        if (set.seed) continue;
        const logicalId = dnsResourceName(set.name);
        new DnsRecordSet(this, `${set.type}-${logicalId}`, {
          zone: zone.name,
          name: set.name,
          type: set.type as PushedType,
          ttl: set.ttl,
          values: set.values,
          logicalId,
        });
      }
    }
  }
}
