// TLS certificates by ACME DNS-01 through our own Knot: which names each VM needs, and certbot's files for them.
//
// Every VM that terminates TLS (a kind with `certificate` in the catalog) gets one TSIG key, `acme-<vm>`, whose
// secret is `vm/<vm>/acme-tsig` in the store. The hidden primary's knot.conf lets that key change only the TXT
// records at `_acme-challenge.<name>` of the VM's own names (baseline/knot.ts). certbot's RFC 2136 plugin
// writes the challenge there; a deploy hook hands each new certificate to the programs that serve it.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import { PRIMARY_KIND, zoneOf } from '../dns/model.ts';
import { PROXY_KIND } from '../services/catalog.ts';
import { vmAddresses } from '../services/instances.ts';
import type { CertificateConsumer } from '../services/types.ts';
import { NGINX_CERTS, virtualHosts } from './nginx.ts';
import { GENERATED_NOTE, generated, type OnceCommand, type Part, secretRef, type VmFile } from './parts.ts';

export const CERTBOT_CONFIG = '/etc/letsencrypt/cli.ini';
export const CERTBOT_CREDENTIALS = '/etc/letsencrypt/rfc2136.ini';
/** One hook for every certificate of the VM: certbot keeps it in each renewal configuration. */
export const DEPLOY_HOOK = '/etc/letsencrypt/infra-deploy-hook';
export const COTURN_CERTS = '/etc/coturn/certs';
export const MUMBLE_CERTS = '/etc/mumble-server/certs';

/** Where each program serves its certificate, so the monitoring can ask for it (with STARTTLS where needed). */
export const CONSUMER_TLS: Readonly<
  Record<CertificateConsumer, { readonly port: number; readonly starttls?: 'smtp' | 'xmpp' }>
> = {
  nginx: { port: 443 },
  prosody: { port: 5222, starttls: 'xmpp' },
  postfix: { port: 25, starttls: 'smtp' },
  dovecot: { port: 993 },
  coturn: { port: 5349 },
  mumble: { port: 64738 },
};

/** A certificate a VM keeps: one name, and the programs that serve it. */
export interface Certificate {
  /** The DNS name, also certbot's certificate name (`/etc/letsencrypt/live/<name>/`). */
  readonly name: string;
  readonly consumers: readonly CertificateConsumer[];
  /** The service kinds on the VM that need it. */
  readonly kinds: readonly string[];
  /** The zone of ours the name is in, where its `_acme-challenge` TXT record goes; undefined when none. */
  readonly zone: string | undefined;
}

/** The TSIG key a VM signs its ACME challenges with, as Knot and certbot name it. */
export function acmeKeyName(vm: Vm): string {
  return `acme-${vm.name}`;
}

/** The store's name of that key's secret (base64 HMAC-SHA256). */
export function acmeSecretName(vm: Vm): string {
  return `vm/${vm.name}/acme-tsig`;
}

/** The names a VM needs certificates for, sorted, each with the programs that serve it. */
export function vmCertificates(model: Model, vm: Vm): Certificate[] {
  const consumers = new Map<string, Set<CertificateConsumer>>();
  const kinds = new Map<string, Set<string>>();
  const add = (name: string, kind: string, list: readonly CertificateConsumer[]): void => {
    const set = consumers.get(name) ?? new Set();
    for (const c of list) set.add(c);
    consumers.set(name, set);
    kinds.set(name, (kinds.get(name) ?? new Set<string>()).add(kind));
  };
  for (const i of model.services.onVm.get(vm.name) ?? []) {
    if (!i.def.certificate) continue;
    // A proxy needs what it serves: both proxies of a site serve, so get, the same names.
    const names =
      i.kind === PROXY_KIND
        ? virtualHosts(model, vm).map((h) => h.name)
        : i.ctx.names.length > 0
          ? i.ctx.names
          : [fqdn(model.inventory, vm)];
    for (const name of names) add(name, i.kind, i.def.certificate.consumers);
  }
  // Most VMs serve no name of their own: no need to look at every zone for them.
  if (consumers.size === 0) return [];
  const zones = new Set(model.dns.zones.map((z) => z.name));
  return [...consumers.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, set]) => ({
      name,
      consumers: [...set].sort(),
      kinds: [...kinds.get(name)!].sort(),
      zone: zoneOf(name, zones),
    }));
}

/** The hidden primary the challenges go to, with the address certbot sends them to. */
export function acmePrimary(model: Model): { vm: Vm; address: string } | undefined {
  const primary = model.services.instances.find((i) => i.kind === PRIMARY_KIND);
  if (!primary) return undefined;
  const a = vmAddresses(model.services, primary.vm);
  const address = a.ipv6[0] ?? a.ipv4[0];
  return address ? { vm: primary.vm, address } : undefined;
}

/**
 * The store's ACME secrets the model needs, sorted: one per Debian VM that keeps certificates, when a primary
 * of ours can take their challenges. What `npm run secrets -- generate` makes (a base64 HMAC-SHA256 secret).
 */
export function acmeSecrets(model: Model): string[] {
  if (!acmePrimary(model)) return [];
  return model.inventory.vms
    .filter((vm) => vm.os !== 'other' && vmCertificates(model, vm).length > 0)
    .map(acmeSecretName)
    .sort();
}

/** certbot's own configuration: the CA, the account, DNS-01 through our primary. */
export function certbotConfig(model: Model): string {
  const { acme } = model.inventory.org;
  const lines = [
    '# certbot reads this on every run: certonly at converge, renew from certbot.timer.',
    `server = ${acme.directory}`,
    ...(acme.contact ? [`email = ${acme.contact}`] : ['register-unsafely-without-email = true']),
    'agree-tos = true',
    'non-interactive = true',
    'authenticator = dns-rfc2136',
    `dns-rfc2136-credentials = ${CERTBOT_CREDENTIALS}`,
    `dns-rfc2136-propagation-seconds = ${acme.propagation_seconds}`,
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** The RFC 2136 plugin's credentials; `secret` is a secretRef in the playbook. */
export function credentialsFile(vm: Vm, server: string, secret: string, port = 53): string {
  const lines = [
    `# TSIG key ${acmeKeyName(vm)}: Knot lets it change only the TXT records at _acme-challenge.<our names>.`,
    `dns_rfc2136_server = ${server}`,
    `dns_rfc2136_port = ${port}`,
    `dns_rfc2136_name = ${acmeKeyName(vm)}`,
    `dns_rfc2136_secret = ${secret}`,
    // Upper case: certbot reads a lower-case name as unknown and silently signs with HMAC-MD5.
    'dns_rfc2136_algorithm = HMAC-SHA256',
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** The shell lines that hand a new certificate (`$RENEWED_LINEAGE`, named `$name`) to one program. */
function consumerSteps(consumer: CertificateConsumer): string[] {
  switch (consumer) {
    case 'nginx':
      return [`copy "${NGINX_CERTS}/$name" root 0700 0600`, 'nginx -t', 'reload nginx'];
    case 'prosody':
      // prosodyctl copies it into /etc/prosody/certs, readable by the prosody user.
      return ['prosodyctl --root cert import /etc/letsencrypt/live', 'reload prosody'];
    case 'postfix':
      return ['reload postfix'];
    case 'dovecot':
      return ['reload dovecot'];
    case 'coturn':
      return [`copy "${COTURN_CERTS}/$name" turnserver 0750 0640`, 'restart coturn'];
    case 'mumble':
      return [`copy "${MUMBLE_CERTS}/$name" mumble-server 0750 0640`, 'restart mumble-server'];
  }
}

/** The deploy hook: one `case` branch per set of programs, each certificate name listed in its branch. */
export function deployHook(certificates: readonly Certificate[]): string {
  const branches = new Map<string, string[]>();
  for (const c of certificates) {
    const key = c.consumers.join(' ');
    branches.set(key, [...(branches.get(key) ?? []), c.name]);
  }
  const lines = [
    '#!/bin/sh',
    `# ${GENERATED_NOTE}`,
    '# certbot runs this after it obtained or renewed a certificate (--deploy-hook, kept in the renewal',
    '# configuration): the programs that serve the certificate get it, then reload.',
    'set -eu',
    'name=$(basename "$RENEWED_LINEAGE")',
    '# Where systemd does not run (a chroot, an image build) there is nothing to reload.',
    'reload() { if [ -d /run/systemd/system ]; then systemctl try-reload-or-restart "$1"; fi; }',
    'restart() { if [ -d /run/systemd/system ]; then systemctl try-restart "$1"; fi; }',
    '# copy DIR GROUP DIRMODE KEYMODE: the certificate and its key where a program reads them.',
    'copy() {',
    '  install -d -m "$3" -o root -g "$2" "$1"',
    '  install -m 0644 "$RENEWED_LINEAGE/fullchain.pem" "$1/fullchain.pem"',
    '  install -m "$4" -o root -g "$2" "$RENEWED_LINEAGE/privkey.pem" "$1/privkey.pem"',
    '}',
    'case "$name" in',
  ];
  for (const [key, names] of branches) {
    lines.push(`  ${names.map((n) => `'${n}'`).join(' | ')})`);
    for (const consumer of key.split(' ') as CertificateConsumer[])
      lines.push(...consumerSteps(consumer).map((s) => `    ${s}`));
    lines.push('    ;;');
  }
  lines.push('esac', '');
  return lines.join('\n');
}

/** The certbot command that obtains a certificate once; renewals are certbot.timer's. */
export function issueCommand(certificate: Certificate): OnceCommand {
  const { name } = certificate;
  return {
    name: `Certificate for ${name} by ACME DNS-01`,
    argv: ['certbot', 'certonly', '--cert-name', name, '--domain', name, '--deploy-hook', DEPLOY_HOOK],
    creates: `/etc/letsencrypt/live/${name}/fullchain.pem`,
  };
}

/** certbot, its configuration, the TSIG credentials and the deploy hook of a VM that terminates TLS. */
export function certificatesPart(model: Model, vm: Vm): Part | undefined {
  const certificates = vmCertificates(model, vm);
  const primary = acmePrimary(model);
  // Without a primary of ours no challenge can be answered; the check reports the names outside our zones.
  if (certificates.length === 0 || !primary) return undefined;
  const files: VmFile[] = [
    { path: CERTBOT_CONFIG, content: certbotConfig(model), permissions: '0644' },
    {
      path: CERTBOT_CREDENTIALS,
      content: credentialsFile(vm, primary.address, secretRef(acmeSecretName(vm))),
      permissions: '0600',
      secret: true,
    },
    { path: DEPLOY_HOOK, content: deployHook(certificates), permissions: '0755' },
  ];
  return {
    name: `certificates: ${certificates.length} by ACME DNS-01 (TSIG key ${acmeKeyName(vm)})`,
    packages: ['certbot', 'python3-certbot-dns-rfc2136'],
    files,
    once: certificates.filter((c) => c.zone !== undefined).map(issueCommand),
    services: ['certbot.timer'],
    // The TSIG secret reaches the VM only through converge, and the names must be in DNS first.
    convergeOnly: true,
  };
}
