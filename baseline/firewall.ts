// Renders a VM's inbound firewall (the rules model/firewall.ts computed once per VM) as nftables.
import type { FirewallRule } from '../model/firewall.ts';
import { portRangeText } from '../inventory/ports.ts';
import { GENERATED_NOTE, type Part, sh } from './parts.ts';

export type { FirewallRule } from '../model/firewall.ts';

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
  const from = rule.source ? ` ${rule.source.family === 6 ? 'ip6' : 'ip'} saddr ${rule.source.text}` : '';
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
