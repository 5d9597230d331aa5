// Who logs in to Icinga Web 2 and with which rights: the members of roles with sudo (administrators) or
// on call (operators), read from roles.yaml and members.yaml; model/secret-needs.ts gives each a password.
import type { Inventory } from '../inventory/inventory.ts';

/** An Icinga Web 2 role, named after the organisation's role it comes from. */
export interface IcingawebRole {
  readonly name: string;
  /** Icinga Web 2 permissions: `*` for a role with sudo, else seeing and commanding the monitoring. */
  readonly permissions: readonly string[];
  /** Member logins, sorted. */
  readonly users: readonly string[];
}

/** What an on-call role may do: see every object, acknowledge, schedule downtimes, re-check. */
export const OPERATOR_PERMISSIONS = ['module/monitoring', 'monitoring/command/*'] as const;

/** The Icinga Web 2 roles of the organisation, in roles.yaml order; roles without members are left out. */
export function icingawebRoles(inventory: Pick<Inventory, 'members' | 'roles'>): IcingawebRole[] {
  return inventory.roles
    .filter((role) => role.sudo || role.oncall)
    .map((role) => ({
      name: role.name,
      permissions: role.sudo ? ['*'] : [...OPERATOR_PERMISSIONS],
      users: inventory.members
        .filter((m) => m.roles.includes(role.name))
        .map((m) => m.user)
        .sort(),
    }))
    .filter((role) => role.users.length > 0);
}

/** Every member login of Icinga Web 2, sorted. */
export function icingawebUsers(inventory: Pick<Inventory, 'members' | 'roles'>): string[] {
  return [...new Set(icingawebRoles(inventory).flatMap((r) => r.users))].sort();
}

/** The store name of a login's password, in the master's scope. */
export function webPasswordName(user: string): string {
  return `web-password-${user}`;
}
