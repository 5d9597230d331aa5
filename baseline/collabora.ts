// Collabora Online's coolwsd.xml from the model: plain HTTP behind the proxies that terminate TLS, and WOPI
// requests accepted only from the Nextcloud instances that use this Collabora (one alias group each).
import type { Model } from '../model/derive.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { dependencyTargets, type ServiceInstance } from '../services/instances.ts';
import { GENERATED_NOTE, type Part } from './parts.ts';

const KIND = 'collabora';
export const COOLWSD_CONFIG = '/etc/coolwsd/coolwsd.xml';

/** XML text and attribute values: the five characters XML gives a meaning to. */
function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** The Nextcloud instances whose documents this Collabora opens: their first web name and its aliases. */
export function wopiClients(model: Model, vm: Vm): { label: string; host: string; aliases: string[] }[] {
  return model.services.instances
    .filter((i) => i.kind === 'nextcloud')
    .filter((i) => dependencyTargets(model.services, i, KIND).some((t) => t.name === vm.name))
    .map((i: ServiceInstance) => {
      const [first = i.ctx.fqdn, ...rest] = i.ctx.webNames;
      return { label: i.label, host: first, aliases: rest };
    });
}

/**
 * The whole coolwsd.xml: coolwsd takes its built-in default for every key the file leaves out, so it holds
 * only what the model decides. Alias-group mode `groups`: a WOPI host not listed is refused (the package's
 * default, `first`, would trust whichever host came first).
 */
export function coolwsdXml(model: Model, vm: Vm, publicName: string): string {
  const groups = wopiClients(model, vm).flatMap((c) => [
    '        <group>',
    `          <host desc="${xml(c.label)}" allow="true">https://${xml(c.host)}:443</host>`,
    // An alias is a regular expression: its dots are literal dots.
    ...c.aliases.map((a) => `          <alias>https://${xml(a.replaceAll('.', '\\.'))}:443</alias>`),
    '        </group>',
  ]);
  return [
    '<?xml version="1.0"?>',
    `<!-- ${GENERATED_NOTE} -->`,
    '<config>',
    `  <server_name type="string">${xml(publicName)}</server_name>`,
    '  <ssl>',
    '    <enable type="bool">false</enable>',
    '    <termination type="bool">true</termination>',
    '  </ssl>',
    '  <storage>',
    '    <filesystem allow="false"/>',
    '    <wopi allow="true">',
    '      <alias_groups mode="groups">',
    ...groups,
    '      </alias_groups>',
    '    </wopi>',
    '  </storage>',
    '</config>',
    '',
  ].join('\n');
}

/** coolwsd.xml on each Collabora VM (converge only: the package must be there first, its file is replaced). */
export function collaboraPart(model: Model, vm: Vm): Part | undefined {
  const instance = (model.services.onVm.get(vm.name) ?? []).find((i) => i.kind === KIND);
  if (!instance) return undefined;
  return {
    name: `collabora: ${COOLWSD_CONFIG} (WOPI from ${wopiClients(model, vm).length} Nextcloud instances)`,
    files: [
      {
        path: COOLWSD_CONFIG,
        content: coolwsdXml(model, vm, instance.ctx.webNames[0] ?? instance.ctx.fqdn),
        permissions: '0640',
        owner: 'root:cool',
        reload: 'restart release coolwsd',
      },
    ],
    convergeOnly: true,
  };
}
