// The VM's inbound firewall: exactly its services' ports, SSH from the jump and monitoring hosts, nothing else.
import type { Inventory } from '../inventory/inventory.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import {
  dependents,
  hostPrefixes,
  proxiesFor,
  type ServiceInstance,
  vmsRunning,
} from '../services/instances.ts';
import { type PortRange, portRange, portRangeText } from '../inventory/ports.ts';
import type { PortSpec, Proto } from '../services/types.ts';
import { GENERATED_NOTE, type Part, sh } from './parts.ts';

export interface FirewallRule {
  readonly direction: 'in';
  readonly proto: Proto;
  /** A port or a range; nftables writes it `16384-32768` (nftRule), the Proxmox firewall `16384:32768`. */
  readonly dport: PortRange;
  /** A CIDR prefix; undefined: from anywhere. */
  readonly source?: string;
  readonly comment: string;
}

const SSH = portRange(22);

/** Every prefix of networks.yaml: "our own networks". */
function orgPrefixes(inventory: Inventory): string[] {
  return inventory.networks.flatMap((n) => [n.ipv6, n.ipv4].flatMap((p) => (p ? [p.text] : [])));
}

function sourcesFor(model: Model, instance: ServiceInstance, port: PortSpec): (string | undefined)[] {
  const { inventory, services } = model;
  const others = (vms: readonly Vm[]): string[] =>
    vms.filter((v) => v.name !== instance.vm.name).flatMap((v) => hostPrefixes(services, v));
  const { reach } = port;
  if (reach === 'public') return [undefined];
  if (reach === 'proxy') return others(proxiesFor(services, instance));
  if (reach === 'dependents') return others(dependents(services, instance.vm, instance.kind));
  if (reach === 'backup') return [...(inventory.org.backup?.sources ?? [])];
  if (reach === 'org') return orgPrefixes(inventory);
  return others(vmsRunning(services, reach.kinds, instance.site));
}

/**
 * The inbound rules of a VM, for the Proxmox firewall and the VM's own nftables alike. Rules are ordered
 * (SSH, then services in vms.yaml order, then extra ports) and deduplicated; a port open to everyone
 * drops the narrower rules for the same port.
 */
export function vmFirewallRules(model: Model, vm: Vm): FirewallRule[] {
  const { inventory } = model;
  const rules: FirewallRule[] = [];
  const add = (
    proto: Proto,
    dport: PortRange,
    sources: readonly (string | undefined)[],
    comment: string,
  ): void => {
    for (const source of sources)
      rules.push({ direction: 'in', proto, dport, ...(source ? { source } : {}), comment });
  };
  add('tcp', SSH, inventory.org.ssh.sources, 'ssh from the jump hosts');
  add('tcp', SSH, inventory.org.monitoring?.sources ?? [], 'check_by_ssh from the monitoring servers');
  for (const instance of model.services.instances) {
    if (instance.vm.name !== vm.name) continue;
    for (const port of instance.def.ports) {
      add(port.proto, port.port, sourcesFor(model, instance, port), `${instance.kind}: ${port.purpose}`);
    }
  }
  for (const extra of vm.extra_ports) {
    add(extra.proto, extra.port, extra.sources ?? [undefined], extra.comment ?? 'extra port from vms.yaml');
  }
  const key = (r: FirewallRule): string => `${r.proto}/${portRangeText(r.dport)}`;
  const open = new Set(rules.filter((r) => !r.source).map(key));
  const seen = new Set<string>();
  return rules.filter((r) => {
    if (r.source && open.has(key(r))) return false;
    const once = `${key(r)}/${r.source ?? '*'}`;
    if (seen.has(once)) return false;
    seen.add(once);
    return true;
  });
}

/** nft refuses a comment longer than this many bytes. */
const NFT_COMMENT_BYTES = 128;

/**
 * An nftables quoted string. nft has no escapes inside quotes (a `"` ends the string, whatever precedes
 * it), so what cannot be written is replaced: a quote by an apostrophe, a backslash or control character
 * by a space. The inventory's grammar refuses those already; this keeps the ruleset one rule per line
 * even if a caller passes text that did not come through it.
 */
export function nftString(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const chars = Array.from(text.replaceAll('"', "'").replace(/[\\\u0000-\u001f\u007f-\u009f]/g, ' '));
  // Cut whole characters, never half of one, until it fits.
  while (Buffer.byteLength(chars.join(''), 'utf8') > NFT_COMMENT_BYTES - 1) chars.pop();
  return `"${chars.join('')}"`;
}

function nftRule(rule: FirewallRule): string {
  const port = portRangeText(rule.dport);
  const from = rule.source ? ` ${rule.source.includes(':') ? 'ip6' : 'ip'} saddr ${rule.source}` : '';
  return `${rule.proto} dport ${port}${from} accept comment ${nftString(rule.comment)}`;
}

/** nftables ruleset in its own table, so reloading it leaves fail2ban's and Docker's tables alone. */
export function nftablesConf(rules: readonly FirewallRule[], forward: boolean): string {
  const lines = [
    '#!/usr/sbin/nft -f',
    `# ${GENERATED_NOTE}`,
    '# Inbound: default deny; the rules are the ones the Proxmox firewall of this VM has too.',
    'table inet baseline',
    'delete table inet baseline',
    'table inet baseline {',
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    ct state established,related accept',
    '    ct state invalid drop',
    '    iif "lo" accept',
    '    meta l4proto ipv6-icmp accept comment "ICMPv6: neighbour discovery, path MTU, ping"',
    '    meta l4proto icmp accept comment "ICMP: path MTU, ping"',
    ...rules.map((r) => `    ${nftRule(r)}`),
    '  }',
    '  chain forward {',
    // Containers (Docker) route through the VM; everything else never forwards.
    `    type filter hook forward priority filter; policy ${forward ? 'accept' : 'drop'};`,
    '  }',
    '}',
    '',
  ];
  return lines.join('\n');
}

export function firewallPart(rules: readonly FirewallRule[], forward: boolean): Part {
  return {
    name: `firewall: nftables, default deny, ${rules.length} inbound rules`,
    // nft reads protocol names (`ipv6-icmp`) from /etc/protocols, which netbase ships.
    packages: ['nftables', 'netbase'],
    files: [
      {
        path: '/etc/nftables.conf',
        content: nftablesConf(rules, forward),
        permissions: '0755',
        // A ruleset nft rejects never replaces the running one: the VM keeps its old firewall.
        validate: '/usr/sbin/nft -c -f %s',
        reload: 'reload nftables',
      },
    ],
    services: ['nftables'],
    runcmd: [['systemctl', 'enable', 'nftables'], sh('nft -f /etc/nftables.conf')],
  };
}
