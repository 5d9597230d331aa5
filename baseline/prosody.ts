// Prosody on its VMs: one VirtualHost per XMPP domain, with the certificate certbot obtains for it.
//
// Debian's /etc/prosody/prosody.cfg.lua includes conf.d/*.cfg.lua; each domain gets its own file there.
// certbot keeps the certificate in /etc/letsencrypt, readable by root only; the deploy hook
// (baseline/certificates.ts) imports it into /etc/prosody/certs with `prosodyctl --root cert import`.
import type { Vm } from '../inventory/vms.schema.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { generated, type Part, type VmFile } from './parts.ts';

const KIND = 'prosody';
export const PROSODY_CERTS = '/etc/prosody/certs';

/** A Lua string literal (the domain comes from the inventory's domain grammar; quoting stays explicit). */
function lua(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function virtualHost(domain: string): string {
  return generated(
    '--',
    [
      `VirtualHost ${lua(domain)}`,
      '    ssl = {',
      `        certificate = ${lua(`${PROSODY_CERTS}/${domain}.crt`)};`,
      `        key = ${lua(`${PROSODY_CERTS}/${domain}.key`)};`,
      '    }',
      '',
    ].join('\n'),
  );
}

/** The XMPP domains of the prosody instances on a VM, each with its file; undefined for any other VM. */
export function prosodyPart(vm: Vm, instances: readonly ServiceInstance[]): Part | undefined {
  const domains = [
    ...new Set(instances.filter((i) => i.vm.name === vm.name && i.kind === KIND).flatMap((i) => i.ctx.names)),
  ];
  if (domains.length === 0) return undefined;
  const files: VmFile[] = domains.map((domain) => ({
    path: `/etc/prosody/conf.d/${domain}.cfg.lua`,
    content: virtualHost(domain),
    permissions: '0644',
    defer: true,
    reload: 'reload prosody',
  }));
  return { name: `prosody: virtual hosts ${domains.join(', ')}`, files };
}
