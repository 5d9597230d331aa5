// Redundant VMs never share a node, also after a failover: a negative resource-affinity HA rule per group.
import type { Construct } from 'constructs';
import { Harule } from '../.gen/providers/proxmox/harule/index.ts';
import type { DebianVm } from './DebianVm.ts';

export interface AntiAffinityRuleProps {
  /** The anti-affinity group's name in vms.yaml; the rule is `anti-<group>`. */
  readonly group: string;
  /** The group's HA VMs, at least two; each must have its HA resource. */
  readonly members: readonly DebianVm[];
}

export class AntiAffinityRule extends Harule {
  constructor(scope: Construct, props: AntiAffinityRuleProps) {
    const name = `anti-${props.group}`;
    const resources = props.members.map((m) => m.haResourceId);
    const dependsOn = props.members.map((m) => m.haResource);
    if (props.members.length < 2 || resources.some((r) => r === undefined))
      throw new Error(
        `AntiAffinityRule ${name}: got ${props.members.length} VMs; expected at least two, each with ha: true`,
      );
    super(scope, name, {
      rule: name,
      type: 'resource-affinity',
      affinity: 'negative',
      resources: (resources as string[]).sort(),
      comment: `anti-affinity group ${props.group}: never on one node`,
      dependsOn: dependsOn.filter((d) => d !== undefined),
    });
    this.overrideLogicalId(name);
  }
}
