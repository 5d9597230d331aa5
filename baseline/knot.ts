// Knot DNS on its VMs: /etc/knot/knot.conf of the hidden primary and of the public secondaries.
//
// The zones, the primary/secondary relationship and the addresses come from the inventory; the TSIG keys
// never do. knot.conf includes each key from a file: the pipeline's keys are made once on the VM by the
// operator (`keymgr -t NAME hmac-sha256 > /etc/knot/keys/NAME.conf`, docs/services.md); the ACME keys of the
// TLS-terminating VMs are written by converge from the secrets store (docs/certificates.md). No secret
// reaches the repository or the synthesized output.
import { PRIMARY_KIND, SECONDARY_KIND } from '../dns/model.ts';
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { dependencyTargets, dependents, type ServiceModel, vmAddresses } from '../services/instances.ts';
import { acmeKeyName, acmeSecretName, vmCertificates } from './certificates.ts';
import { generated, type Part, secretRef, type VmFile } from './parts.ts';

/** TSIG key names: the deploy pipeline's (RFC 2136 updates), the review's (signed queries), zone transfers. */
export const KNOT_KEYS = {
  deploy: 'infra-deploy',
  readonly: 'infra-readonly',
  transfer: 'infra-transfer',
} as const;

export const KNOT_CONF = '/etc/knot/knot.conf';

/** Where the operator puts a key's `key:` section. */
export function knotKeyFile(name: string): string {
  return `/etc/knot/keys/${name}.conf`;
}

function addresses(services: ServiceModel, vm: Vm): string {
  const a = vmAddresses(services, vm);
  return `[ ${[...a.ipv6, ...a.ipv4].join(', ')} ]`;
}

/** The sections every Knot VM has: the key files, where it listens, logs and keeps its zones. */
function common(keys: readonly string[]): string[] {
  return [
    ...keys.map((k) => `include: ${knotKeyFile(k)}`),
    '',
    'server:',
    '  rundir: /run/knot',
    '  user: knot:knot',
    // Every address: the firewall decides who reaches port 53 (the world, or only the secondaries).
    '  listen: [ ::@53, 0.0.0.0@53 ]',
    '',
    'log:',
    '  - target: syslog',
    '    any: info',
    '',
    'database:',
    '  storage: /var/lib/knot',
    '',
    'template:',
    '  - id: default',
    '    storage: /var/lib/knot',
    '    file: "%s.zone"',
    '',
  ];
}

/** A VM's ACME key and the names whose `_acme-challenge` TXT records it may change, by zone. */
export interface AcmeGrant {
  readonly vm: Vm;
  /** Zone → the names in it, fully qualified. */
  readonly names: ReadonlyMap<string, readonly string[]>;
}

/** Every VM that terminates TLS, with its certificate names that are in one of our zones. */
export function acmeGrants(model: Model): AcmeGrant[] {
  const grants: AcmeGrant[] = [];
  for (const vm of model.inventory.vms) {
    if (vm.os === 'other') continue;
    const names = new Map<string, string[]>();
    for (const c of vmCertificates(model, vm))
      if (c.zone) names.set(c.zone, [...(names.get(c.zone) ?? []), c.name]);
    if (names.size > 0) grants.push({ vm, names });
  }
  return grants;
}

/**
 * The ACL of one VM's ACME key: an update of TXT records at exactly `_acme-challenge.<name>.` of its names,
 * nothing else (Knot 3.2 refuses another type, another owner, a subdomain, or a mixed message).
 */
function acmeAcl(grant: AcmeGrant): string[] {
  const owners = [...grant.names.values()].flat().map((n) => `_acme-challenge.${n}.`);
  return [
    `  - id: ${acmeKeyName(grant.vm)}`,
    `    key: ${acmeKeyName(grant.vm)}`,
    '    action: update',
    '    update-type: [ TXT ]',
    '    update-owner: name',
    '    update-owner-match: equal',
    `    update-owner-name: [ ${owners.join(', ')} ]`,
  ];
}

/** The `key:` section of a VM's ACME key on the primary; `secret` is a secretRef in the playbook. */
export function acmeKeyConf(vm: Vm, secret: string): string {
  return generated(
    '#',
    ['key:', `  - id: ${acmeKeyName(vm)}`, '    algorithm: hmac-sha256', `    secret: ${secret}`, ''].join(
      '\n',
    ),
  );
}

/** The hidden primary: notifies the secondaries, lets them transfer, takes the dns stack's signed updates. */
export function primaryConf(
  services: ServiceModel,
  secondaries: readonly Vm[],
  zones: readonly string[],
  acme: readonly AcmeGrant[] = [],
): string {
  const lines = [
    ...common([
      KNOT_KEYS.deploy,
      KNOT_KEYS.readonly,
      KNOT_KEYS.transfer,
      ...acme.map((g) => acmeKeyName(g.vm)),
    ]),
  ];
  if (secondaries.length > 0) {
    lines.push('remote:');
    for (const s of secondaries)
      lines.push(
        `  - id: ${s.name}`,
        `    address: ${addresses(services, s)}`,
        `    key: ${KNOT_KEYS.transfer}`,
      );
    lines.push('');
  }
  lines.push('acl:', '  - id: deploy', `    key: ${KNOT_KEYS.deploy}`, '    action: update');
  if (secondaries.length > 0) {
    const all = secondaries.flatMap((s) => {
      const a = vmAddresses(services, s);
      return [...a.ipv6, ...a.ipv4];
    });
    lines.push('  - id: secondaries', `    address: [ ${all.join(', ')} ]`, `    key: ${KNOT_KEYS.transfer}`);
    lines.push('    action: transfer');
  }
  for (const grant of acme) lines.push(...acmeAcl(grant));
  lines.push('', 'zone:');
  const base = secondaries.length > 0 ? ['deploy', 'secondaries'] : ['deploy'];
  for (const zone of zones) {
    const acls = [...base, ...acme.filter((g) => g.names.has(zone)).map((g) => acmeKeyName(g.vm))];
    lines.push(`  - domain: ${zone}`, `    acl: [ ${acls.join(', ')} ]`);
    if (secondaries.length > 0) lines.push(`    notify: [ ${secondaries.map((s) => s.name).join(', ')} ]`);
  }
  return generated('#', `${lines.join('\n')}\n`);
}

/** A public secondary: transfers every zone from the primary, which alone may notify it. */
export function secondaryConf(services: ServiceModel, vm: Vm, primary: Vm, zones: readonly string[]): string {
  // Knot 3.3 renamed `master` to `primary`; Debian 12 ships 3.2, which knows only `master`.
  const from = vm.os === 'debian-13' ? 'primary' : 'master';
  const lines = [
    ...common([KNOT_KEYS.transfer]),
    'remote:',
    `  - id: ${primary.name}`,
    `    address: ${addresses(services, primary)}`,
    `    key: ${KNOT_KEYS.transfer}`,
    '',
    'acl:',
    '  - id: primary',
    `    address: ${addresses(services, primary)}`,
    `    key: ${KNOT_KEYS.transfer}`,
    '    action: notify',
    '',
    'zone:',
  ];
  for (const zone of zones)
    lines.push(`  - domain: ${zone}`, `    ${from}: ${primary.name}`, '    acl: [ primary ]');
  return generated('#', `${lines.join('\n')}\n`);
}

/** A VM's ACME key on the primary, written by converge from the store (never by cloud-init). */
function acmeKeyFile(vm: Vm): VmFile {
  return {
    path: knotKeyFile(acmeKeyName(vm)),
    content: acmeKeyConf(vm, secretRef(acmeSecretName(vm))),
    permissions: '0640',
    owner: 'root:knot',
    defer: true,
    secret: true,
    reload: 'reload knot',
  };
}

/** knot.conf for a VM running dns-primary or dns-secondary, or undefined for any other VM. */
export function knotPart(model: Model, vm: Vm): Part | undefined {
  const { services } = model;
  const own = (services.onVm.get(vm.name) ?? []).find(
    (i) => i.kind === PRIMARY_KIND || i.kind === SECONDARY_KIND,
  );
  if (!own) return undefined;
  const zones = model.dns.zones.map((z) => z.name);
  let content: string;
  const keys: VmFile[] = [];
  if (own.kind === PRIMARY_KIND) {
    const acme = acmeGrants(model);
    content = primaryConf(services, dependents(services, vm, PRIMARY_KIND), zones, acme);
    keys.push(...acme.map((g) => acmeKeyFile(g.vm)));
  } else {
    const primary = dependencyTargets(services, own, PRIMARY_KIND)[0];
    // No primary is an error npm run check reports (a dependency no VM provides); nothing to write then.
    if (!primary) return undefined;
    content = secondaryConf(services, vm, primary, zones);
  }
  return {
    name: `knot: ${own.kind === PRIMARY_KIND ? 'hidden primary' : 'secondary'} of ${zones.length} zones, TSIG keys from /etc/knot/keys`,
    // The key files first: knot.conf is checked with them in place before it replaces the old one.
    files: [
      ...keys,
      {
        path: KNOT_CONF,
        content,
        permissions: '0640',
        owner: 'root:knot',
        // After the package made the knot user; a configuration Knot refuses never replaces a working one.
        defer: true,
        validate: '/usr/sbin/knotc -c %s conf-check',
        // A restart, not a reload: Knot 3.2 binds `listen` only at start, so after the package's own file
        // (no listen at all) a reload would leave it answering nowhere. Its zones survive in the journal.
        reload: 'restart knot',
      },
    ],
  };
}
