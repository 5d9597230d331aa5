// Prosody on its VMs: one VirtualHost per XMPP domain, with the certificate certbot obtains for it.
//
// Debian's /etc/prosody/prosody.cfg.lua includes conf.d/*.cfg.lua; each domain gets its own file there.
// certbot keeps the certificate in /etc/letsencrypt, readable by root only; the deploy hook
// (baseline/certificates.ts) imports it into /etc/prosody/certs with `prosodyctl --root cert import`, and a
// converge runs the hook once when that copy is missing (a certificate certbot already had, a lost copy).
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { handOver } from './certificate-handover.ts';
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

/**
 * Debian's prosody.cfg.lua serves `localhost`, with no certificate: `prosodyctl check certs` fails on it, and
 * the VM is there for the inventory's domains only. A later section of the same host switches it off.
 */
export const LOCALHOST_OFF = generated(
  '--',
  ['VirtualHost "localhost"', '    enabled = false', ''].join('\n'),
);

/** The XMPP domains of the prosody instances on a VM, each with its file; undefined for any other VM. */
export function prosodyPart(model: Model, vm: Vm): Part | undefined {
  const instances = model.services.onVm.get(vm.name) ?? [];
  const domains = [...new Set(instances.filter((i) => i.kind === KIND).flatMap((i) => i.ctx.names))];
  if (domains.length === 0) return undefined;
  const files: VmFile[] = domains.map((domain) => ({
    path: `/etc/prosody/conf.d/${domain}.cfg.lua`,
    content: virtualHost(domain),
    permissions: '0644',
    defer: true,
    reload: 'reload prosody',
  }));
  files.push({
    path: '/etc/prosody/conf.d/localhost.cfg.lua',
    content: LOCALHOST_OFF,
    permissions: '0644',
    defer: true,
    reload: 'reload prosody',
  });
  // Where each domain's copy is (`prosodyctl cert import` names it after the domain).
  const { once } = handOver(model, vm, KIND, PROSODY_CERTS, (name) => `${PROSODY_CERTS}/${name}.crt`);
  return { name: `prosody: virtual hosts ${domains.join(', ')}`, files, once };
}
