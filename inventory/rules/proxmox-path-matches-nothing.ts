// Forbids a Proxmox grant on a path or cluster that does not exist: a pool no VM is tagged with, an unknown node,
// storage, VM id or cluster.
import type { Inventory } from '../inventory.ts';
import { vmPool } from '../pools.ts';
import type { ProxmoxGrant } from '../roles.schema.ts';
import { inventoryRule, type RuleFinding } from './rule.ts';

/** Clusters on which an ACL path exists (a pool exists where a VM's first tag names it, see vmPool). */
export function clustersWithPath(inventory: Inventory, path: string): string[] {
  const [, kind, id] = path.split('/');
  return inventory.clusters
    .filter((cluster) => {
      const vms = inventory.vms.filter((vm) => vm.cluster === cluster.name);
      if (path === '/') return true;
      if (kind === 'pool') return vms.some((vm) => vmPool(vm) === id);
      if (kind === 'nodes') return cluster.nodes.some((n) => n.name === id);
      if (kind === 'storage') return cluster.storages.some((s) => s.name === id);
      if (kind === 'vms') return vms.some((vm) => String(vm.id) === id);
      return false;
    })
    .map((c) => c.name);
}

/** The clusters a grant applies on: those it names, or every cluster where its path exists. */
export function grantClusters(inventory: Inventory, grant: ProxmoxGrant): string[] {
  const where = clustersWithPath(inventory, grant.path);
  return grant.clusters ? grant.clusters.filter((c) => where.includes(c)) : where;
}

export const proxmoxPathMatchesNothing = inventoryRule('proxmox-path-matches-nothing', (inventory) => {
  const findings: RuleFinding[] = [];
  const known = new Set(inventory.clusters.map((c) => c.name));
  inventory.roles.forEach((role, i) => {
    role.proxmox.forEach((grant, j) => {
      const base = ['roles', i, 'proxmox', j];
      const where = clustersWithPath(inventory, grant.path);
      if (where.length === 0) {
        findings.push({
          severity: 'error',
          file: 'roles',
          path: [...base, 'path'],
          message: `"${grant.path}" exists on no cluster, so this grant matches nothing; expected a pool (the first tag of a VM), or a node, storage or VM id of clusters.yaml/vms.yaml`,
        });
        return;
      }
      (grant.clusters ?? []).forEach((cluster, k) => {
        if (!known.has(cluster))
          findings.push({
            severity: 'error',
            file: 'roles',
            path: [...base, 'clusters', k],
            message: `cluster "${cluster}" is not in clusters.yaml; expected one of ${[...known].join(', ')}`,
          });
        else if (!where.includes(cluster))
          findings.push({
            severity: 'error',
            file: 'roles',
            path: [...base, 'clusters', k],
            message: `"${grant.path}" does not exist on cluster "${cluster}"; expected one of ${where.join(', ')}`,
          });
      });
    });
  });
  return findings;
});
