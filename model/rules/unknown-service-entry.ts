// Rule: every service entry names a kind of the catalog, once per VM, with only the parameters that kind takes;
// a warning where the kind and the VM's os do not go together.
import { closest } from '../../inventory/issues.ts';
import { CATALOG } from '../../services/catalog.ts';
import { kindPath } from '../../services/rule-helpers.ts';
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const unknownServiceEntry = modelRule('unknown-service-entry', ({ inventory: inv }) => {
  const { findings, error, warning } = reporter();
  const known = [...CATALOG.keys()].sort();

  // Kinds and parameters, as written.
  inv.vms.forEach((vm, vi) => {
    const seen = new Map<string, number>();
    vm.services.forEach((entry, si) => {
      const def = CATALOG.get(entry.kind);
      if (!def) {
        const guess = closest(entry.kind, known);
        error(
          'vms',
          kindPath(vi, si),
          `unknown service kind "${entry.kind}"; ${guess ? `did you mean "${guess}"?` : `expected one of: ${known.join(', ')}`}`,
        );
        return;
      }
      const first = seen.get(entry.kind);
      if (first !== undefined)
        error(
          'vms',
          kindPath(vi, si),
          `"${entry.kind}" is listed twice (first at services[${first}]); expected it once`,
        );
      else seen.set(entry.kind, si);
      for (const key of Object.keys(entry)) {
        if (key === 'kind' || (def.params as readonly string[]).includes(key)) continue;
        const guess = closest(key, def.params);
        const takes = def.params.length > 0 ? `it takes ${def.params.join(', ')}` : 'it takes no parameters';
        error(
          'vms',
          ['vms', vi, 'services', si, key],
          `${def.kind} has no parameter "${key}"; ${guess ? `did you mean "${guess}"?` : takes}`,
          true,
        );
      }
      // A warning, not an error: the cluster stacks boot Debian images only, so the example keeps BBB on Debian.
      if (def.notDebian && vm.os !== 'other')
        warning(
          'vms',
          kindPath(vi, si),
          `${def.kind} is not installable on ${vm.os} (${def.notDebian}); cloud-init installs nothing for it, expected os: other${def.runbook ? ` and ${def.runbook}` : ''}`,
        );
      else if (!def.notDebian && vm.os === 'other')
        warning(
          'vms',
          kindPath(vi, si),
          `${def.kind} runs on an os: other VM, which gets no Debian baseline: cloud-init installs nothing for it`,
        );
    });
  });
  return findings;
});
