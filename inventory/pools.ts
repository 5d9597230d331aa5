// Which Proxmox resource pool a VM belongs to: one rule shared by the cluster stacks (which create the pools) and
// the member grants (which put ACLs on them), so a grant never names a pool that is not created.

import type { Vm } from './vms.schema.ts';

/** The pool a VM goes in: its first tag, so pools group VMs by role (web, db, dns...). A VM without tags has none. */
export function vmPool(vm: Vm): string | undefined {
  return vm.tags[0];
}
