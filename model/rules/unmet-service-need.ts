// Rule: what a service needs is there: the kinds it depends on, its database VM (db:, primary:), a reverse
// proxy in its site for HTTP behind one, and the public addresses its ports need.
import type { Path } from '../../inventory/findings.ts';
import type { Vm } from '../../inventory/vms.schema.ts';
import { DATABASE_KIND } from '../../services/catalog.ts';
import { proxiesFor, vmAddresses, vmSite } from '../../services/instances.ts';
import { kindPath, portText } from '../../services/rule-helpers.ts';
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const unmetServiceNeed = modelRule('unmet-service-need', ({ inventory: inv, services }) => {
  const { findings, error } = reporter();
  const { instances } = services;
  const byName = new Map(inv.vms.map((vm) => [vm.name, vm]));
  const runs = (vm: Vm | undefined, kind: string): boolean =>
    vm?.services.some((s) => s.kind === kind) ?? false;
  const runningAnywhere = new Set(inv.vms.flatMap((vm) => vm.services.map((s) => s.kind)));

  for (const i of instances) {
    const here = kindPath(i.vmIndex, i.index);
    // Dependencies.
    for (const dep of i.def.dependsOn) {
      if (!runningAnywhere.has(dep))
        error(
          'vms',
          here,
          `${i.kind} needs ${dep}, which no VM runs; expected a VM with "${dep}" in its services`,
        );
    }
    for (const key of ['db', 'primary'] as const) {
      const target = i.params[key];
      if (typeof target !== 'string') continue;
      const path: Path = ['vms', i.vmIndex, 'services', i.index, key];
      if (!byName.has(target))
        error('vms', path, `VM "${target}" is not in vms.yaml; expected a VM running ${DATABASE_KIND}`);
      else if (!runs(byName.get(target), DATABASE_KIND))
        error(
          'vms',
          path,
          `VM "${target}" does not run ${DATABASE_KIND}; expected a VM with "${DATABASE_KIND}" in its services`,
        );
      else if (target === i.vm.name) error('vms', path, `"${target}" is this VM itself; expected another VM`);
    }
    // Public HTTP behind a reverse proxy.
    if (
      i.def.web?.tls === 'proxy' &&
      vmSite(services, i.vm) !== undefined &&
      proxiesFor(services, i).length === 0
    )
      error(
        'vms',
        here,
        `${i.kind} serves HTTP behind a reverse proxy, but site "${i.site}" has no VM running nginx-proxy; expected a proxy in the site, or nginx-proxy on this VM`,
      );
    // Addresses the ports need.
    const addresses = vmAddresses(services, i.vm);
    const v4 = i.def.ports.find((p) => p.ipv4);
    if (v4 && addresses.publicIpv4.length === 0)
      error(
        'vms',
        here,
        `${i.kind} needs a public IPv4 address (${portText({ proto: v4.proto, ...v4.port })}: ${v4.purpose}), but VM "${i.vm.name}" has none; expected an ipv4 on a nic in a public network`,
      );
    else if (
      i.def.ports.some((p) => p.reach === 'public') &&
      addresses.publicIpv6.length === 0 &&
      addresses.publicIpv4.length === 0
    )
      error(
        'vms',
        here,
        `${i.kind} has public ports, but VM "${i.vm.name}" has no address on a public network`,
      );
  }
  return findings;
});
