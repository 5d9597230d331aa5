// Mumble (murmurd) on its VMs: /etc/mumble-server.ini from the model, and the SuperUser password from the store.
//
// murmurd reads an INI file through Qt's QSettings: a value in double quotes keeps `;`, `,` and `#` as text,
// and `\` escapes. The welcome text is HTML to Mumble's clients; inventory text is plain text, so it is
// escaped as HTML first (every character outside printable ASCII as a numeric reference), then quoted.
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { instanceScope } from '../model/instance-names.ts';
import { secretKey } from '../model/secret-needs.ts';
import { certificateCopy, handOver } from './certificate-handover.ts';
import { MUMBLE_CERTS } from './certificates.ts';
import { type ConvergeCommand, generated, type Part } from './parts.ts';

const KIND = 'mumble';
export const MUMBLE_INI = '/etc/mumble-server.ini';
/** The secret's name in the instance's scope (model/secret-needs.ts). */
export const SUPERUSER_SECRET = 'superuser-password';
/** SHA-256 of the SuperUser password murmurd has: the password is set again only when the store's differs. */
export const SUPERUSER_STAMP = '/var/lib/mumble-server/infra-superuser.sha256';

/** Plain text as Mumble's HTML: markup characters as entities, line breaks as <br />, non-ASCII as &#N;. */
export function welcomeHtml(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n') out += '<br />';
    else if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === '\\') out += '&#92;';
    else if (code < 0x20 || code > 0x7e) out += `&#${code};`;
    else out += ch;
  }
  return out;
}

/** A QSettings INI value in double quotes (the HTML above holds no `"` or `\`; escaping them stays explicit). */
export function iniString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** mumble-server.ini's text: Debian's paths, the certificate copy, the welcome text. */
export function mumbleIni(name: string, welcome: string): string {
  const { cert, key } = certificateCopy(MUMBLE_CERTS, name);
  const lines = [
    `; ${name}: Mumble server.`,
    'database=/var/lib/mumble-server/mumble-server.sqlite',
    // No Ice endpoint: nothing on the VM administers the server behind the SuperUser's back.
    'ice=""',
    'logfile=/var/log/mumble-server/mumble-server.log',
    'pidfile=/run/mumble-server/mumble-server.pid',
    `welcometext=${iniString(welcomeHtml(welcome))}`,
    'port=64738',
    'users=100',
    'uname=mumble-server',
    `sslCert=${cert}`,
    `sslKey=${key}`,
    '',
  ];
  return generated('#', lines.join('\n'));
}

/**
 * Sets the SuperUser password when the store's differs from the one last set (its SHA-256 in a stamp file
 * only root reads): `murmurd -readsupw` takes it on standard input, never on a command line. Prints only
 * when it set it, which is how the run reports a change.
 */
const SET_SUPERUSER = `set -eu
want=$(printf '%s' "$SUPERUSER_PASSWORD" | sha256sum | cut -d ' ' -f 1)
if [ -f ${SUPERUSER_STAMP} ] && [ "$(cat ${SUPERUSER_STAMP})" = "$want" ]; then exit 0; fi
if ! out=$(printf '%s' "$SUPERUSER_PASSWORD" | murmurd -ini ${MUMBLE_INI} -readsupw 2>&1); then
  echo "murmurd did not set the SuperUser password: $out" >&2
  exit 1
fi
(umask 077 && printf '%s\\n' "$want" > ${SUPERUSER_STAMP})
echo "SuperUser password set"
`;

/** Mumble's configuration on a VM that runs it, or undefined for any other VM. */
export function mumblePart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === KIND);
  if (!instance) return undefined;
  const { names, once } = handOver(model, vm, KIND, MUMBLE_CERTS);
  const name = names[0] ?? instance.ctx.fqdn;
  const welcome =
    typeof instance.params.welcome === 'string'
      ? instance.params.welcome
      : `Welcome to the Mumble server of ${model.inventory.org.name}.`;
  const command: ConvergeCommand = {
    name: 'SuperUser password of Mumble from the store',
    argv: ['sh', '-c', SET_SUPERUSER],
    secretEnv: {
      SUPERUSER_PASSWORD: secretKey({ scope: instanceScope(model, instance), name: SUPERUSER_SECRET }),
    },
  };
  return {
    name: `mumble: ${MUMBLE_INI} for ${name}, SuperUser password from the store`,
    files: [
      {
        path: MUMBLE_INI,
        content: mumbleIni(name, welcome),
        permissions: '0640',
        owner: 'root:mumble-server',
        defer: true,
        reload: 'restart mumble-server',
      },
    ],
    once,
    commands: [command],
    convergeOnly: true,
  };
}
