// Rule: no two services (or extra_ports) of a VM claim one port, and none takes 22/tcp from the baseline's sshd;
// an extra_ports range reads FROM-TO with FROM <= TO.
import type { Path } from '../../inventory/findings.ts';
import { kindPath, portText, range } from './paths.ts';

interface Claim {
  readonly proto: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
  /** Who claims it, for the message: `gitea (services[0])`. */
  readonly who: string;
  readonly path: Path;
  readonly sshd: boolean;
}
import { reporter } from '../../inventory/rules/rule.ts';
import type { CatalogRule } from './rule.ts';

export const portClaimedTwice: CatalogRule = ({ inventory: inv, sources, services }) => {
  const { findings, error } = reporter(sources);
  const { instances } = services;

  // Ports: no two claims on one port of a VM; the baseline's sshd owns 22/tcp.
  inv.vms.forEach((vm, vi) => {
    const claims: Claim[] = [];
    for (const i of instances.filter((x) => x.vm.name === vm.name)) {
      for (const p of i.def.ports) {
        const [from, to] = range(p.port);
        claims.push({
          proto: p.proto,
          from,
          to,
          who: `${i.kind} (services[${i.index}])`,
          path: kindPath(vi, i.index),
          sshd: p.sshd === true,
        });
      }
    }
    vm.extra_ports.forEach((extra, ei) => {
      const path: Path = ['vms', vi, 'extra_ports', ei, 'port'];
      let from: number;
      let to: number;
      if (typeof extra.port === 'number') [from, to] = [extra.port, extra.port];
      else {
        [from, to] = extra.port.split('-').map(Number) as [number, number];
        if (from < 1 || to > 65535 || from > to) {
          error(
            'vms',
            path,
            `"${extra.port}" is not a port range; expected FROM-TO with 1 <= FROM <= TO <= 65535`,
          );
          return;
        }
      }
      claims.push({ proto: extra.proto, from, to, who: `extra_ports[${ei}]`, path, sshd: false });
    });
    claims.forEach((claim, ci) => {
      if (claim.proto === 'tcp' && claim.from <= 22 && claim.to >= 22 && !claim.sshd)
        error(
          'vms',
          claim.path,
          `port 22/tcp of ${claim.who} is taken by the baseline's sshd; expected another port`,
        );
      const other = claims
        .slice(0, ci)
        .find(
          (c) =>
            c.proto === claim.proto && c.from <= claim.to && claim.from <= c.to && !(c.sshd && claim.sshd),
        );
      if (other)
        error(
          'vms',
          claim.path,
          `port ${portText(claim)} of ${claim.who} is already claimed by ${other.who} on VM "${vm.name}"; expected each port once per VM`,
        );
    });
  });
  return findings;
};
