// Small helpers the kind files share: plugin paths, typed access to instance parameters.
import type { ExtraCheck, NameContext } from '../types.ts';

/** Where Debian's monitoring-plugins packages put their plugins. */
export const PLUGINS = '/usr/lib/nagios/plugins';

/** A plugin run on the VM over SSH. */
export function local(name: string, plugin: string, ...args: string[]): ExtraCheck {
  return { type: 'local', name, command: [`${PLUGINS}/${plugin}`, ...args] };
}

/** A TCP port answering on the VM itself, for ports only the VM or its neighbours reach. */
export function localPort(name: string, port: number): ExtraCheck {
  return local(name, 'check_tcp', '-H', '127.0.0.1', '-p', String(port));
}

type WithParams = Pick<NameContext, 'params'>;

export function stringParam(ctx: WithParams, key: string): string | undefined {
  const value = ctx.params[key];
  return typeof value === 'string' ? value : undefined;
}

export function listParam(ctx: WithParams, key: string): string[] {
  const value = ctx.params[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** SPF and DMARC for a domain whose mail leaves through its MX hosts. */
export function mailPolicy(domain: string): { name: string; type: 'TXT'; value: string }[] {
  return [
    { name: domain, type: 'TXT', value: 'v=spf1 mx -all' },
    {
      name: `_dmarc.${domain}`,
      type: 'TXT',
      value: `v=DMARC1; p=quarantine; rua=mailto:postmaster@${domain}`,
    },
  ];
}
