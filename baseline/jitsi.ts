// Jitsi from the model and the store: each stand-alone videobridge joins its Meet servers' brewery room with
// the account its Meet's Prosody gets from the same secret, and Meet hands out TURN credentials of the site's
// coturn through Prosody's external services. The debconf answers (public name, certificate) are the kind's.
import type { Model } from '../model/derive.ts';
import { instanceScope } from '../model/instance-names.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { fqdn } from '../inventory/names.ts';
import { dependencyTargets, type ServiceInstance } from '../services/instances.ts';
import { generated, type Part, secretRef, type VmFile } from './parts.ts';

export const JVB_CONFIG = '/etc/jitsi/videobridge/jvb.conf';
export const MEET_TURN_CONFIG = '/etc/prosody/conf.d/infra-turn.cfg.lua';
/** The account the bridges log in with, on the Meet's `auth.` domain (as the Jitsi packages name it). */
const JVB_USER = 'jvb';

const meetDomain = (meet: ServiceInstance): string => meet.ctx.webNames[0] ?? meet.ctx.fqdn;

/** The settings of a videobridge as an object (HOCON is a superset of JSON): what the sample test checks. */
export function jvbSettings(model: Model, bridge: ServiceInstance): Record<string, unknown> {
  const meets = dependencyTargets(model.services, bridge, 'jitsi-meet').flatMap((vm) =>
    (model.services.onVm.get(vm.name) ?? []).filter((i) => i.kind === 'jitsi-meet'),
  );
  const turn = model.services.instances.find((i) => i.kind === 'coturn' && i.site === bridge.site);
  const configs = Object.fromEntries(
    meets.map((meet) => {
      const domain = meetDomain(meet);
      return [
        meet.vm.name,
        {
          hostname: fqdn(model.inventory, meet.vm),
          domain: `auth.${domain}`,
          username: JVB_USER,
          password: secretRef(`${instanceScope(model, meet)}/jvb-password`),
          muc_jids: `JvbBrewery@internal.auth.${domain}`,
          muc_nickname: bridge.vm.name,
          // Meet's Prosody has the self-signed certificate its package made for the auth domain.
          disable_certificate_verification: true,
        },
      ];
    }),
  );
  return {
    videobridge: {
      'http-servers': { public: { port: 9090 } },
      websockets: { enabled: true, 'server-id': fqdn(model.inventory, bridge.vm) },
      apis: { 'xmpp-client': { configs } },
    },
    ...(turn
      ? {
          ice4j: {
            harvest: { mapping: { stun: { addresses: [`${turn.ctx.names[0] ?? turn.ctx.fqdn}:3478`] } } },
          },
        }
      : {}),
  };
}

/** HOCON of a JSON-shaped object: keys quoted, strings as JSON strings (secretRef()s stay inside the quotes). */
function hocon(value: unknown, indent = ''): string {
  if (Array.isArray(value)) return `[${value.map((v) => hocon(v, indent)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    const lines = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)} = ${hocon(v, inner)}`);
    return `{\n${lines.join('\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Prosody's external services on the Meet VM: STUN and TURN of the site's coturn, credentials from its secret. */
export function meetTurnConfig(domain: string, turnName: string, secret: string): string {
  const service = (type: string, port: number, transport: string, creds: boolean): string =>
    `        { type = "${type}", host = "${turnName}", port = ${port}, transport = "${transport}"${creds ? ', secret = true, ttl = 86400, algorithm = "turn"' : ''} };`;
  return generated(
    '--',
    [
      `VirtualHost "${domain}"`,
      `    external_service_secret = "${secret}";`,
      '    external_services = {',
      service('stun', 3478, 'udp', false),
      service('turn', 3478, 'udp', true),
      service('turns', 5349, 'tcp', true),
      '    };',
      '',
    ].join('\n'),
  );
}

function bridgeFiles(model: Model, vm: Vm): VmFile[] {
  const bridge = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === 'jitsi-videobridge');
  if (!bridge) return [];
  return [
    {
      path: JVB_CONFIG,
      content: generated('#', `${hocon(jvbSettings(model, bridge))}\n`),
      permissions: '0640',
      owner: 'root:jitsi',
      secret: true,
      reload: 'restart release jitsi-videobridge2',
    },
  ];
}

function meetPart(model: Model, meet: ServiceInstance): Part {
  const domain = meetDomain(meet);
  const turn = model.services.instances.find((i) => i.kind === 'coturn' && i.site === meet.site);
  const bridges = model.services.instances.some(
    (i) =>
      i.kind === 'jitsi-videobridge' &&
      dependencyTargets(model.services, i, 'jitsi-meet').some((t) => t.name === meet.vm.name),
  );
  return {
    name: `jitsi-meet: TURN and the videobridge account of ${domain} (converge only)`,
    files: turn
      ? [
          {
            path: MEET_TURN_CONFIG,
            content: meetTurnConfig(
              domain,
              turn.ctx.names[0] ?? turn.ctx.fqdn,
              secretRef(`site/${meet.site}/turn-secret`),
            ),
            permissions: '0640',
            owner: 'root:prosody',
            secret: true,
            reload: 'reload prosody',
          },
        ]
      : [],
    commands: bridges
      ? [
          {
            // Sets the password again on every run (prosodyctl prints nothing, so no change is reported).
            name: `Account ${JVB_USER}@auth.${domain} for the stand-alone videobridges`,
            argv: ['sh', '-c', `prosodyctl register ${JVB_USER} auth.${domain} "$JVB_PASSWORD" >/dev/null`],
            secretEnv: { JVB_PASSWORD: `${instanceScope(model, meet)}/jvb-password` },
          },
        ]
      : [],
    convergeOnly: true,
  };
}

/** The Jitsi parts of a VM (converge only: they hold secrets and need the packages' own files first). */
export function jitsiParts(model: Model, vm: Vm): Part[] {
  if (!model.inventory.org.secrets) return [];
  const parts: Part[] = [];
  const files = bridgeFiles(model, vm);
  if (files.length > 0)
    parts.push({ name: `jitsi-videobridge: ${JVB_CONFIG} (converge only)`, files, convergeOnly: true });
  for (const meet of (model.services.onVm.get(vm.name) ?? []).filter((i) => i.kind === 'jitsi-meet'))
    parts.push(meetPart(model, meet));
  return parts;
}
