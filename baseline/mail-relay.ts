// Every VM's local mail (cron, unattended-upgrades, smartd) goes to the organisation's mail server: nullmailer,
// a relay-only MTA from Debian, hands it over SMTP with STARTTLS; the server relays for our networks only.
//
// VMs that run Postfix for a service of their own (the mail server, Mailman) keep it: the two conflict.
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { mailRelay } from '../model/mailboxes.ts';
import { fqdn } from '../inventory/names.ts';
import { mailDomains } from '../services/kinds/mail.ts';
import { generated, type Part, type VmFile } from './parts.ts';

/** The relay part of a Debian VM; undefined without a mail server, on `os: other` and where Postfix runs. */
export function mailRelayPart(model: Model, vm: Vm): Part | undefined {
  const relay = mailRelay(model);
  if (!relay || vm.os === 'other') return undefined;
  const own = model.services.onVm.get(vm.name) ?? [];
  if (own.some((i) => i.def.packages.includes('postfix'))) return undefined;
  const postmaster = `postmaster@${mailDomains(relay.ctx)[0]!}`;
  const file = (path: string, text: string): VmFile => ({
    path,
    content: text,
    permissions: '0644',
    defer: true,
    reload: 'restart nullmailer',
  });
  return {
    name: `mail relay: nullmailer to ${relay.ctx.fqdn}`,
    packages: ['nullmailer', 'ca-certificates'],
    files: [
      file('/etc/mailname', `${fqdn(model.inventory, vm)}\n`),
      // STARTTLS with the relay's ACME certificate, checked against the system's CAs.
      file('/etc/nullmailer/remotes', generated('#', `${relay.ctx.fqdn} smtp --port=25 --starttls\n`)),
      // Mail to local accounts (root, cron's owner) goes to the postmaster, i.e. the members on call.
      file('/etc/nullmailer/adminaddr', `${postmaster}\n`),
    ],
  };
}
