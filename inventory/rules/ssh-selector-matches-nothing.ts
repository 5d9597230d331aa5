// Forbids an SSH grant that names a site, tag, service kind or VM that no VM of the inventory matches.
import { closest } from '../issues.ts';
import { inventoryRule, type RuleFinding } from './rule.ts';

export const sshSelectorMatchesNothing = inventoryRule('ssh-selector-matches-nothing', (inventory) => {
  const findings: RuleFinding[] = [];
  const siteOf = new Map(inventory.clusters.map((c) => [c.name, c.site]));
  const sites = new Set(inventory.vms.map((vm) => siteOf.get(vm.cluster)).filter((s): s is string => !!s));
  const tags = new Set(inventory.vms.flatMap((vm) => vm.tags));
  const kinds = new Set(inventory.vms.flatMap((vm) => vm.services.map((s) => s.kind)));
  const vms = new Set(inventory.vms.map((vm) => vm.name));
  const fields = [
    ['sites', sites, 'no VM runs in site'],
    ['tags', tags, 'no VM is tagged'],
    ['services', kinds, 'no VM runs service kind'],
    ['vms', vms, 'there is no VM'],
  ] as const;
  inventory.roles.forEach((role, i) => {
    const ssh = role.ssh;
    if (ssh === undefined || ssh === 'all') return;
    let any = false;
    for (const [field, known, what] of fields) {
      (ssh[field] ?? []).forEach((value, j) => {
        any = true;
        if (known.has(value)) return;
        const guess = closest(value, [...known]);
        findings.push({
          severity: 'error',
          file: 'roles',
          path: ['roles', i, 'ssh', field, j],
          message: `${what} "${value}", so this grant matches nothing; ${guess ? `did you mean "${guess}"?` : 'expected a value used in vms.yaml'}`,
        });
      });
    }
    if (!any)
      findings.push({
        severity: 'error',
        file: 'roles',
        path: ['roles', i, 'ssh'],
        message:
          'selects no VM; expected "all" or at least one of sites, tags, services, vms (or no ssh field)',
      });
  });
  return findings;
});
