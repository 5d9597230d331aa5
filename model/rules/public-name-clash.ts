// Rule: each public name is served by one instance, and is never a VM's own FQDN unless that VM serves it itself.
import type { Path } from '../../inventory/findings.ts';
import type { ServiceInstance } from '../../services/instances.ts';
import { kindPath } from '../../services/rule-helpers.ts';
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

/** One instance asking for a web name, and where: its `domain`, an entry of its `aliases`, or its kind. */
interface Claim {
  readonly instance: ServiceInstance;
  readonly path: Path;
  readonly alias: boolean;
}

function claimsOf(i: ServiceInstance): Map<string, Claim> {
  const claims = new Map<string, Claim>();
  const aliases = Array.isArray(i.params.aliases) ? i.params.aliases : [];
  for (const name of i.ctx.webNames) {
    if (claims.has(name)) continue;
    const at = ['vms', i.vmIndex, 'services', i.index];
    const a = aliases.indexOf(name);
    const path: Path =
      i.params.domain === name
        ? [...at, 'domain']
        : a >= 0
          ? [...at, 'aliases', a]
          : kindPath(i.vmIndex, i.index);
    claims.set(name, { instance: i, path, alias: i.params.domain !== name && a >= 0 });
  }
  return claims;
}

export const publicNameClash = modelRule('public-name-clash', ({ inventory: inv, services }) => {
  const { findings, error } = reporter();
  const fqdnOwner = new Map(inv.vms.map((vm) => [`${vm.name}.${inv.org.domain}`, vm.name]));
  const byName = new Map<string, Claim[]>();
  for (const i of services.instances)
    for (const [name, claim] of claimsOf(i)) byName.set(name, [...(byName.get(name) ?? []), claim]);
  for (const [name, claims] of byName) {
    // The name belongs to the instance whose own domain it is (else the first one asking): an alias that
    // takes it is the entry that changed, so that is where the finding points.
    const owner = claims.find((c) => !c.alias) ?? claims[0]!;
    for (const c of claims)
      if (c !== owner && c.instance.vm.name !== owner.instance.vm.name)
        error(
          'vms',
          c.path,
          `name "${name}" is already served by ${owner.instance.label}; expected each public name once`,
        );
    // Web names get A/AAAA records (the proxies', or the VM's own): never a VM's own name unless it serves it.
    const vmOwner = fqdnOwner.get(name);
    for (const c of claims) {
      const viaProxy = c.instance.def.web?.tls === 'proxy';
      if (vmOwner !== undefined && (vmOwner !== c.instance.vm.name || viaProxy))
        error(
          'vms',
          c.path,
          `name "${name}" is the FQDN of VM "${vmOwner}"${viaProxy ? ' but would point at the proxies' : ''}; expected a name that is not a VM's own`,
        );
    }
  }
  return findings;
});
