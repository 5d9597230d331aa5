// coturn on its VMs: /etc/turnserver.conf from the model, with the site's TURN secret from the store.
//
// Synapse, Jitsi and BigBlueButton hand out short-lived TURN credentials made from one shared secret
// (`use-auth-secret`, the TURN REST API): `site/<site>/turn-secret` in the store (model/secret-needs.ts), read
// by the TURN server and every service of its site that hands out credentials. TLS (port 5349) uses the copy of
// the certificate that certbot's deploy hook keeps in /etc/coturn/certs/<name>/, readable by turnserver.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { formatAddress, lastAddress, type Prefix, SPECIAL_PURPOSE } from '../inventory/net.ts';
import { isSinglePort } from '../inventory/ports.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { handOver, certificateCopy } from './certificate-handover.ts';
import { COTURN_CERTS } from './certificates.ts';
import { generated, type Part, secretRef } from './parts.ts';

const KIND = 'coturn';
export const TURNSERVER_CONF = '/etc/turnserver.conf';

/** A prefix as coturn's `denied-peer-ip` range (`FIRST-LAST`; coturn 4.6 takes ranges, not prefix lengths). */
function range(prefix: Prefix): string {
  return `${formatAddress(prefix.network, prefix.family)}-${formatAddress(lastAddress(prefix), prefix.family)}`;
}

/**
 * Where a relay must never go, the special-purpose ranges (RFC 6890, inventory/net.ts) and then the
 * organisation's non-public networks: a TURN server relays to any address a client names, so without these a
 * client could reach loopback, private, link-local and documentation ranges, and our own internal and
 * management networks, from inside.
 */
export function deniedPeerRanges(model: Model): string[] {
  const own = model.inventory.networks
    .filter((n) => n.purpose !== 'public')
    .flatMap((n) => [...(n.ipv6 ? [range(n.ipv6)] : []), ...(n.ipv4 ? [range(n.ipv4)] : [])]);
  const special = SPECIAL_PURPOSE.map(range);
  return [...new Set([...special, ...own])];
}

/** The port a catalog entry of the kind opens, by purpose, so the file listens where the firewall lets in. */
function port(
  instance: ServiceInstance,
  proto: 'udp' | 'tcp',
  purpose: RegExp,
): { from: number; to: number } {
  const spec = instance.def.ports.find((p) => p.proto === proto && purpose.test(p.purpose));
  if (!spec) throw new Error(`the ${KIND} kind has no ${proto} port for ${String(purpose)}`);
  return spec.port;
}

/** turnserver.conf's text; `secret` is a secretRef in the playbook. */
export function turnserverConf(
  model: Model,
  instance: ServiceInstance,
  name: string,
  secret: string,
): string {
  const listening = port(instance, 'udp', /^STUN\/TURN$/);
  const tls = port(instance, 'tcp', /TLS/);
  const relay = port(instance, 'udp', /relay/);
  if (!isSinglePort(listening) || !isSinglePort(tls)) throw new Error('coturn listens on single ports');
  const { cert, key } = certificateCopy(COTURN_CERTS, name);
  const lines = [
    `# ${name}: TURN/STUN for the WebRTC services of site ${instance.site}.`,
    `realm=${model.inventory.org.domain}`,
    `server-name=${name}`,
    `listening-port=${listening.from}`,
    `tls-listening-port=${tls.from}`,
    `min-port=${relay.from}`,
    `max-port=${relay.to}`,
    'fingerprint',
    '# Credentials are HMACs of the shared secret (TURN REST API), made by Synapse, Jitsi, BigBlueButton.',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `cert=${cert}`,
    `pkey=${key}`,
    'no-tlsv1',
    'no-tlsv1_1',
    'no-cli',
    'no-multicast-peers',
    // To the journal through syslog (coturn 4.6 refuses a bare `syslog` line in its file).
    'log-file=syslog',
    ...deniedPeerRanges(model).map((r) => `denied-peer-ip=${r}`),
    '',
  ];
  return generated('#', lines.join('\n'));
}

/** coturn's configuration on a VM that runs it, or undefined for any other VM. */
export function coturnPart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === KIND);
  if (!instance) return undefined;
  const { names, once } = handOver(model, vm, KIND, COTURN_CERTS);
  const name = names[0] ?? instance.ctx.names[0] ?? instance.ctx.fqdn;
  return {
    name: `coturn: ${TURNSERVER_CONF} for ${name} (converge only: its shared secret is in the store)`,
    files: [
      {
        path: TURNSERVER_CONF,
        content: turnserverConf(model, instance, name, secretRef(`site/${instance.site}/turn-secret`)),
        permissions: '0640',
        owner: 'root:turnserver',
        defer: true,
        secret: true,
        reload: 'restart coturn',
      },
      {
        // Debian's init script starts the daemon only with this set; the systemd unit ignores it.
        path: '/etc/default/coturn',
        content: generated('#', 'TURNSERVER_ENABLED=1\n'),
        permissions: '0644',
        defer: true,
        reload: 'restart coturn',
      },
    ],
    services: ['coturn'],
    once,
    convergeOnly: true,
  };
}
