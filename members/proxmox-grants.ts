// Which Proxmox grants reach one VM: those on /, on its node, on its pool or on its VM id, in its cluster.
import type { Inventory } from '../inventory/inventory.ts';
import { vmPool } from '../inventory/pools.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import { accessModel } from './access.ts';

export interface GrantOnVm {
  readonly role: string;
  readonly path: string;
  readonly users: readonly string[];
}

export function proxmoxGrantsOn(inventory: Inventory, vm: Vm): GrantOnVm[] {
  const pool = vmPool(vm);
  const paths = new Set(['/', `/nodes/${vm.node}`, `/vms/${vm.id}`, ...(pool ? [`/pool/${pool}`] : [])]);
  const grants = new Map<string, { role: string; path: string; users: string[] }>();
  for (const access of accessModel(inventory))
    for (const p of access.proxmox) {
      if (!paths.has(p.path) || !p.clusters.includes(vm.cluster)) continue;
      const key = `${p.path} ${p.role}`;
      const g = grants.get(key) ?? { role: p.role, path: p.path, users: [] };
      g.users.push(access.user);
      grants.set(key, g);
    }
  return [...grants.values()].sort((a, b) => a.path.localeCompare(b.path) || a.role.localeCompare(b.role));
}
