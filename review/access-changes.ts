// Every change that decides who can reach what, beyond members' grants: one small rule per kind of change (admin
// keys, the monitoring key, key sources, forge logins, e-mail, role definitions), each listing what it finds. A
// new kind (say, secret recipients) is one more entry in ACCESS_RULES.
import type { Inventory } from '../inventory/inventory.ts';
import { keyIdentity } from '../inventory/ssh-key.ts';

/** The kinds of access change the review shows and the gate checks, besides member keys and grants. */
export type AccessKind =
  'grant' | 'admin-key' | 'admin-user' | 'monitoring-key' | 'key-source' | 'forge-user' | 'email' | 'role';

export interface AccessItem {
  readonly kind: AccessKind;
  /** What the reviewer reads, one sentence. */
  readonly text: string;
  /**
   * The value of the `Allow-Access:` trailer that accepts it, such as `forge-user/alice`; undefined when the
   * change only takes access away (nothing to prove).
   */
  readonly id?: string;
}

export const ACCESS_TRAILER = 'Allow-Access';

interface AccessRule {
  readonly kind: AccessKind;
  readonly find: (before: Inventory | undefined, after: Inventory) => AccessItem[];
}

const fingerprints = (keys: readonly string[]): Map<string, string> =>
  new Map(keys.map((k) => [keyIdentity(k).fingerprint, k]));

const adminKeys: AccessRule = {
  kind: 'admin-key',
  find: (before, after) => {
    const old = fingerprints(before?.org.admin.keys ?? []);
    const now = fingerprints(after.org.admin.keys);
    const user = after.org.admin.user;
    return [
      ...[...now.keys()]
        .filter((fp) => !old.has(fp))
        .map((fp) => ({
          kind: 'admin-key' as const,
          text: `new bootstrap admin key ${fp} (${user}: passwordless sudo on every VM)`,
          id: `admin-key/${fp}`,
        })),
      ...[...old.keys()]
        .filter((fp) => !now.has(fp))
        .map((fp) => ({ kind: 'admin-key' as const, text: `bootstrap admin key ${fp} removed` })),
    ];
  },
};

const adminUser: AccessRule = {
  kind: 'admin-user',
  find: (before, after) => {
    const was = before?.org.admin;
    const is = after.org.admin;
    if (was && was.user === is.user && was.group === is.group) return [];
    return [
      {
        kind: 'admin-user',
        text: `bootstrap admin is ${is.user} in group ${is.group}${was ? ` (was ${was.user} in group ${was.group})` : ''}`,
        id: `admin-user/${is.user}`,
      },
    ];
  },
};

const monitoringKey: AccessRule = {
  kind: 'monitoring-key',
  find: (before, after) => {
    const was = before?.org.monitoring;
    const is = after.org.monitoring;
    const fp = (m: typeof is): string | undefined => (m ? keyIdentity(m.ssh_key).fingerprint : undefined);
    if (fp(was) === fp(is) && was?.user === is?.user) return [];
    if (!is) return [{ kind: 'monitoring-key', text: 'the monitoring key is removed' }];
    return [
      {
        kind: 'monitoring-key',
        text: `monitoring logs in as ${is.user} with key ${fp(is)} on every VM${was ? ` (was ${was.user} with ${fp(was)})` : ''}`,
        id: `monitoring-key/${fp(is)}`,
      },
    ];
  },
};

const keySource: AccessRule = {
  kind: 'key-source',
  find: (before, after) => {
    const was = before?.org.ssh.keys_url;
    const is = after.org.ssh.keys_url;
    if (was === is) return [];
    if (is === undefined) return [{ kind: 'key-source', text: `sshd no longer fetches keys from ${was}` }];
    return [
      {
        kind: 'key-source',
        text: `sshd on every VM accepts keys fetched from ${is}${was ? ` (was ${was})` : ''}`,
        id: `key-source/${is}`,
      },
    ];
  },
};

/** Per member: a field that names them elsewhere (a forge login, the e-mail their signatures are checked by). */
function memberField(kind: 'forge-user' | 'email', label: string): AccessRule {
  return {
    kind,
    find: (before, after) => {
      const value = (m: Inventory['members'][number]): string =>
        kind === 'email' ? m.email : (m.forge_user ?? m.user);
      return after.members.flatMap((m) => {
        const was = before?.members.find((b) => b.user === m.user);
        if (!was || value(was) === value(m)) return [];
        return [
          {
            kind,
            text: `${m.user}'s ${label} is ${value(m)} (was ${value(was)})`,
            id: `${kind}/${m.user}`,
          },
        ];
      });
    },
  };
}

const roleDefinitions: AccessRule = {
  kind: 'role',
  find: (before, after) => {
    const old = new Map((before?.roles ?? []).map((r) => [r.name, JSON.stringify(r)]));
    const changed = after.roles.filter((r) => old.has(r.name) && old.get(r.name) !== JSON.stringify(r));
    const added = after.roles.filter((r) => before !== undefined && !old.has(r.name));
    return [
      ...changed.map((r) => ({
        kind: 'role' as const,
        text: `role ${r.name} is redefined (every member holding it gets what it now grants)`,
        id: `role/${r.name}`,
      })),
      ...added.map((r) => ({ kind: 'role' as const, text: `role ${r.name} is new`, id: `role/${r.name}` })),
    ];
  },
};

/** The rules, in the order the review lists their findings. */
export const ACCESS_RULES: readonly AccessRule[] = [
  adminKeys,
  adminUser,
  monitoringKey,
  keySource,
  memberField('forge-user', 'forge login'),
  memberField('email', 'e-mail (the principal their signatures are checked by)'),
  roleDefinitions,
];

export function accessItems(before: Inventory | undefined, after: Inventory): AccessItem[] {
  return ACCESS_RULES.flatMap((rule) => rule.find(before, after));
}
