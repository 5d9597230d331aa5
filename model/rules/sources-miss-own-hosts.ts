// Rule: the sources in org.yaml let our own machines in: the monitoring servers, the jump hosts, and every
// backup client where a VM runs the borg repository.
import type { Path } from '../../inventory/findings.ts';
import type { Prefix } from '../../inventory/net.ts';
import type { Vm } from '../../inventory/vms.schema.ts';
import { BACKUP_REPO_KIND, JUMP_KIND, MONITORING_KINDS } from '../../services/catalog.ts';
import { vmAddresses } from '../../services/instances.ts';
import { covered } from '../../services/rule-helpers.ts';
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const sourcesMissOwnHosts = modelRule('sources-miss-own-hosts', ({ inventory: inv, services }) => {
  const { findings, error } = reporter();
  const runs = (vm: Vm | undefined, kind: string): boolean =>
    vm?.services.some((s) => s.kind === kind) ?? false;
  const runningAnywhere = new Set(inv.vms.flatMap((vm) => vm.services.map((s) => s.kind)));

  // The sources in org.yaml must let our own machines in.
  const coverage = (kinds: readonly string[], list: readonly Prefix[], field: Path, what: string): void => {
    for (const vm of inv.vms.filter((v) => v.services.some((s) => kinds.includes(s.kind)))) {
      const a = vmAddresses(services, vm);
      const missing = [...a.ipv6, ...a.ipv4].filter((x) => !covered(x, list));
      if (missing.length > 0)
        error(
          'org',
          field,
          `VM "${vm.name}" runs ${vm.services.find((s) => kinds.includes(s.kind))?.kind} but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not inside ${what}; expected a prefix containing ${missing.length === 1 ? 'it' : 'them'}`,
        );
    }
  };
  const { monitoring, ssh, backup } = inv.org;
  if (monitoring)
    coverage(MONITORING_KINDS, monitoring.sources, ['monitoring', 'sources'], 'monitoring.sources');
  coverage([JUMP_KIND], ssh.sources, ['ssh', 'sources'], 'ssh.sources');
  if (backup && runningAnywhere.has(BACKUP_REPO_KIND)) {
    // Clients reach the repository over the address families it has.
    const repos = inv.vms.filter((vm) => runs(vm, BACKUP_REPO_KIND)).map((vm) => vmAddresses(services, vm));
    const overV4 = repos.some((a) => a.publicIpv4.length > 0);
    const overV6 = repos.some((a) => a.publicIpv6.length > 0);
    for (const vm of inv.vms) {
      if (vm.os === 'other' || runs(vm, BACKUP_REPO_KIND)) continue;
      const a = vmAddresses(services, vm);
      const used = [...(overV6 ? a.publicIpv6 : []), ...(overV4 ? a.publicIpv4 : [])];
      const missing = used.filter((x) => !covered(x, backup.sources));
      if (missing.length > 0)
        error(
          'org',
          ['backup', 'sources'],
          `VM "${vm.name}" backs up from ${missing.join(', ')}, which is not inside backup.sources; expected a prefix containing it`,
        );
    }
  }
  return findings;
});
