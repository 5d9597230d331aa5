// Rule: each public name is served by one instance, and is never a VM's own FQDN unless that VM serves it itself.
import type { Path } from '../../inventory/findings.ts';
import type { ServiceInstance } from '../instances.ts';
import { kindPath } from './paths.ts';
import { reporter } from '../../inventory/rules/rule.ts';
import type { CatalogRule } from './rule.ts';

export const publicNameClash: CatalogRule = ({ inventory: inv, sources, services }) => {
  const { findings, error } = reporter(sources);
  const { instances } = services;

  // Public names: each one served by one instance, and never a VM's own name unless the VM serves it itself.
  const fqdnOwner = new Map(inv.vms.map((vm) => [`${vm.name}.${inv.org.domain}`, vm.name]));
  const nameOwner = new Map<string, ServiceInstance>();
  for (const i of instances) {
    // Web names get A/AAAA records (the proxies', or the VM's own); other names (an XMPP domain, an MX
    // target) only name what a certificate must be valid for.
    for (const name of new Set(i.ctx.webNames)) {
      const path: Path =
        i.params.domain === name
          ? ['vms', i.vmIndex, 'services', i.index, 'domain']
          : kindPath(i.vmIndex, i.index);
      const first = nameOwner.get(name);
      if (first && first.vm.name !== i.vm.name)
        error(
          'vms',
          path,
          `name "${name}" is already served by ${first.label}; expected each public name once`,
        );
      else if (!first) nameOwner.set(name, i);
      const vmOwner = fqdnOwner.get(name);
      const viaProxy = i.def.web?.tls === 'proxy';
      if (vmOwner !== undefined && (vmOwner !== i.vm.name || viaProxy))
        error(
          'vms',
          path,
          `name "${name}" is the FQDN of VM "${vmOwner}"${viaProxy ? ' but would point at the proxies' : ''}; expected a name that is not a VM's own`,
        );
    }
  }
  return findings;
};
