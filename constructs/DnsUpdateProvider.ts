// The hashicorp/dns provider, pointed at the hidden primary for RFC 2136 updates signed with TSIG.
import { DnsProvider } from '@cdktf/provider-dns/lib/provider/index.js';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { PROVIDER_REGISTRY } from './provider-registry.ts';

export interface DnsUpdateProviderProps {
  /** Address of the primary that accepts the updates (an IP literal: no lookup before the first update). */
  readonly server: string;
}

export class DnsUpdateProvider extends Construct {
  constructor(scope: Construct, id: string, props: DnsUpdateProviderProps) {
    super(scope, id);
    if (props.server === '') throw new Error('DnsUpdateProvider: the primary has no address; expected one');
    // key_name, key_algorithm and key_secret are left out on purpose: the provider reads them from
    // DNS_UPDATE_KEYNAME, DNS_UPDATE_KEYALGORITHM and DNS_UPDATE_KEYSECRET, so the TSIG secret never
    // reaches the synthesized JSON. Reads (plan, drift) are TSIG-signed queries to the same server.
    new DnsProvider(this, 'provider', { update: [{ server: props.server }] });
    // The prebuilt bindings pin the release they were generated from (the registry's generatedFrom); we run
    // the registry's version, whose schema for these resources is the same and whose replacement rules
    // review/replacement.ts knows.
    const { source, version } = PROVIDER_REGISTRY.dns;
    TerraformStack.of(this).addOverride('terraform.required_providers.dns', { source, version });
  }
}
