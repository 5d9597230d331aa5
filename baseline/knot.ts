// Knot DNS on its VMs: /etc/knot/knot.conf of the hidden primary and of the public secondaries.
//
// The zones, the primary/secondary relationship and the addresses come from the inventory; the TSIG keys
// never do. knot.conf includes each key from a file the operator makes once on the VM (`keymgr -t NAME
// hmac-sha256 > /etc/knot/keys/NAME.conf`, docs/services.md), so no secret reaches the repository or the
// synthesized output, and the key names here are the ones the Drone secrets carry.
import { PRIMARY_KIND, SECONDARY_KIND } from '../dns/model.ts';
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { dependencyTargets, dependents, type ServiceModel, vmAddresses } from '../services/instances.ts';
import { generated, type Part } from './parts.ts';

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

/** The hidden primary: notifies the secondaries, lets them transfer, takes the dns stack's signed updates. */
export function primaryConf(
  services: ServiceModel,
  secondaries: readonly Vm[],
  zones: readonly string[],
): string {
  const lines = [...common([KNOT_KEYS.deploy, KNOT_KEYS.readonly, KNOT_KEYS.transfer])];
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
  lines.push('', 'zone:');
  const acl = secondaries.length > 0 ? '[ deploy, secondaries ]' : '[ deploy ]';
  for (const zone of zones) {
    lines.push(`  - domain: ${zone}`, `    acl: ${acl}`);
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

/** knot.conf for a VM running dns-primary or dns-secondary, or undefined for any other VM. */
export function knotPart(model: Model, vm: Vm): Part | undefined {
  const { services } = model;
  const own = services.instances.find(
    (i) => i.vm.name === vm.name && (i.kind === PRIMARY_KIND || i.kind === SECONDARY_KIND),
  );
  if (!own) return undefined;
  const zones = model.dns.zones.map((z) => z.name);
  let content: string;
  if (own.kind === PRIMARY_KIND) {
    content = primaryConf(services, dependents(services, vm, PRIMARY_KIND), zones);
  } else {
    const primary = dependencyTargets(services, own, PRIMARY_KIND)[0];
    // No primary is an error npm run check reports (a dependency no VM provides); nothing to write then.
    if (!primary) return undefined;
    content = secondaryConf(services, vm, primary, zones);
  }
  return {
    name: `knot: ${own.kind === PRIMARY_KIND ? 'hidden primary' : 'secondary'} of ${zones.length} zones, TSIG keys from /etc/knot/keys`,
    files: [
      {
        path: KNOT_CONF,
        content,
        permissions: '0640',
        owner: 'root:knot',
        // After the package made the knot user; a configuration Knot refuses never replaces a working one.
        defer: true,
        validate: '/usr/sbin/knotc -c %s conf-check',
        reload: 'reload knot',
      },
    ],
  };
}
