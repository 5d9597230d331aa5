// Rule: no two services (or extra_ports) of a VM claim one port, and none takes 22/tcp from the baseline's sshd.
// (That an extra_ports range reads FROM-TO with FROM <= TO, the schema checks where it reads vms.yaml.)
import type { Path } from '../../inventory/findings.ts';
import { includesPort, overlaps, type PortRange } from '../../inventory/ports.ts';
import { kindPath, portText } from '../../services/rule-helpers.ts';

interface Claim extends PortRange {
  readonly proto: 'tcp' | 'udp';
  /** Who claims it, for the message: `gitea (services[0])`. */
  readonly who: string;
  readonly path: Path;
  readonly sshd: boolean;
}
import { reporter } from '../../inventory/rules/rule.ts';
import { modelRule } from './rule.ts';

export const portClaimedTwice = modelRule('port-claimed-twice', ({ inventory: inv, services }) => {
  const { findings, error } = reporter();
  const { instances } = services;

  // Ports: no two claims on one port of a VM; the baseline's sshd owns 22/tcp.
  inv.vms.forEach((vm, vi) => {
    const claims: Claim[] = [];
    for (const i of instances.filter((x) => x.vm.name === vm.name)) {
      for (const p of i.def.ports) {
        claims.push({
          proto: p.proto,
          ...p.port,
          who: `${i.kind} (services[${i.index}])`,
          path: kindPath(vi, i.index),
          sshd: p.sshd === true,
        });
      }
    }
    vm.extra_ports.forEach((extra, ei) => {
      const path: Path = ['vms', vi, 'extra_ports', ei, 'port'];
      claims.push({ proto: extra.proto, ...extra.port, who: `extra_ports[${ei}]`, path, sshd: false });
    });
    claims.forEach((claim, ci) => {
      if (claim.proto === 'tcp' && includesPort(claim, 22) && !claim.sshd)
        error(
          'vms',
          claim.path,
          `port 22/tcp of ${claim.who} is taken by the baseline's sshd; expected another port`,
        );
      const other = claims
        .slice(0, ci)
        .find((c) => c.proto === claim.proto && overlaps(c, claim) && !(c.sshd && claim.sshd));
      if (other)
        error(
          'vms',
          claim.path,
          `port ${portText(claim)} of ${claim.who} is already claimed by ${other.who} on VM "${vm.name}"; expected each port once per VM`,
        );
    });
  });
  return findings;
});
