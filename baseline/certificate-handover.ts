// Hands a certificate certbot already keeps to a program that reads its own copy (coturn, Mumble, Prosody): the
// deploy hook copies it on issuance and renewal only, so a program added later, or a VM whose copy was lost,
// gets it at the next converge by the same hook.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { CertificateConsumer } from '../services/types.ts';
import { acmePrimary, DEPLOY_HOOK, vmCertificates } from './certificates.ts';
import type { OnceCommand } from './parts.ts';

/** Where the deploy hook puts a program's copy of the certificate `name` (fullchain.pem, privkey.pem). */
export function certificateCopy(dir: string, name: string): { cert: string; key: string } {
  return { cert: `${dir}/${name}/fullchain.pem`, key: `${dir}/${name}/privkey.pem` };
}

/**
 * The certificate names of the VM that `consumer` serves, and for those in a zone of ours (certbot obtains
 * them at converge), the command that runs the deploy hook once when the program's copy is missing. Without a
 * DNS primary of ours there is no certbot and no hook (certificatesPart): the copy is then the operator's.
 * `copyOf` says where the program's copy of a name's certificate is (@default `certificateCopy(dir, name)`).
 */
export function handOver(
  model: Model,
  vm: Vm,
  consumer: CertificateConsumer,
  dir: string,
  copyOf: (name: string) => string = (name) => certificateCopy(dir, name).cert,
): { names: string[]; once: OnceCommand[] } {
  const certificates = vmCertificates(model, vm).filter((c) => c.consumers.includes(consumer));
  const once = certificates
    .filter((c) => c.zone !== undefined && acmePrimary(model) !== undefined)
    .map((c) => ({
      name: `Hand the certificate of ${c.name} to ${consumer}`,
      argv: ['env', `RENEWED_LINEAGE=/etc/letsencrypt/live/${c.name}`, DEPLOY_HOOK],
      creates: copyOf(c.name),
    }));
  return { names: certificates.map((c) => c.name), once };
}
