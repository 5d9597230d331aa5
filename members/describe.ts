// Says in plain words what a person gains or loses between two access models, the way a reviewer reads it:
// "alice gains: SSH with sudo on 12 VMs (sites ber1, fra1), PVEVMAdmin on /pool/web (clusters alpha, beta)".
import type { MemberAccess, ProxmoxAccess, SshGrant } from './access.ts';

export interface AccessChange {
  readonly user: string;
  /** What the member gains, one phrase each; empty when nothing. */
  readonly gains: readonly string[];
  readonly loses: readonly string[];
}

/** VM names when they are few, else the sites they are in. */
function where(grants: readonly SshGrant[]): string {
  if (grants.length <= 5) return grants.map((g) => g.vm).join(', ');
  const sites = [...new Set(grants.map((g) => g.site))].sort();
  return `${sites.length === 1 ? 'site' : 'sites'} ${sites.join(', ')}`;
}

function sshPhrases(grants: readonly SshGrant[], prefix: string): string[] {
  const out: string[] = [];
  const sudo = grants.filter((g) => g.sudo);
  const plain = grants.filter((g) => !g.sudo);
  const n = (list: readonly SshGrant[]): string => `${list.length} VM${list.length === 1 ? '' : 's'}`;
  if (sudo.length > 0) out.push(`${prefix} with sudo on ${n(sudo)} (${where(sudo)})`);
  if (plain.length > 0) out.push(`${prefix} without sudo on ${n(plain)} (${where(plain)})`);
  return out;
}

function proxmoxPhrase(p: ProxmoxAccess): string {
  return `${p.role} on ${p.path} (${p.clusters.length === 1 ? 'cluster' : 'clusters'} ${p.clusters.join(', ')})`;
}

/** `after` alone: what an onboarding gives; `before` alone: what an offboarding takes. */
export function describeChange(
  before: MemberAccess | undefined,
  after: MemberAccess | undefined,
): AccessChange {
  const user = (after ?? before)?.user ?? '';
  const gains: string[] = [];
  const loses: string[] = [];
  const oldSsh = new Map((before?.ssh ?? []).map((g) => [g.vm, g]));
  const newSsh = new Map((after?.ssh ?? []).map((g) => [g.vm, g]));
  gains.push(
    ...sshPhrases(
      [...newSsh.values()].filter((g) => !oldSsh.has(g.vm)),
      'SSH',
    ),
  );
  loses.push(
    ...sshPhrases(
      [...oldSsh.values()].filter((g) => !newSsh.has(g.vm)),
      'SSH',
    ),
  );
  const sudoGained = [...newSsh.values()].filter(
    (g) => g.sudo && oldSsh.has(g.vm) && !oldSsh.get(g.vm)!.sudo,
  );
  const sudoLost = [...newSsh.values()].filter((g) => !g.sudo && oldSsh.get(g.vm)?.sudo === true);
  if (sudoGained.length > 0)
    gains.push(
      `sudo on ${sudoGained.length} VM${sudoGained.length === 1 ? '' : 's'} already reachable (${where(sudoGained)})`,
    );
  if (sudoLost.length > 0)
    loses.push(
      `sudo on ${sudoLost.length} VM${sudoLost.length === 1 ? '' : 's'} (${where(sudoLost)}), keeping SSH`,
    );

  const pveKeys = (a: MemberAccess | undefined): Map<string, ProxmoxAccess> => {
    const map = new Map<string, ProxmoxAccess>();
    for (const p of a?.proxmox ?? []) for (const c of p.clusters) map.set(`${p.role} ${p.path} ${c}`, p);
    return map;
  };
  const oldPve = pveKeys(before);
  const newPve = pveKeys(after);
  const pveDiff = (from: Map<string, ProxmoxAccess>, to: Map<string, ProxmoxAccess>): string[] => {
    const grouped = new Map<string, { role: string; path: string; clusters: string[] }>();
    for (const [key, p] of to) {
      if (from.has(key)) continue;
      const cluster = key.split(' ')[2]!;
      const g = grouped.get(`${p.role} ${p.path}`) ?? { role: p.role, path: p.path, clusters: [] };
      g.clusters.push(cluster);
      grouped.set(`${p.role} ${p.path}`, g);
    }
    return [...grouped.values()].map((g) => proxmoxPhrase({ ...g, clusters: g.clusters.sort() }));
  };
  gains.push(...pveDiff(oldPve, newPve));
  loses.push(...pveDiff(newPve, oldPve));

  const teams = (from: readonly string[], to: readonly string[]): string[] => {
    const added = to.filter((t) => !from.includes(t));
    return added.length > 0 ? [`forge team${added.length === 1 ? '' : 's'} ${added.join(', ')}`] : [];
  };
  gains.push(...teams(before?.forgeTeams ?? [], after?.forgeTeams ?? []));
  loses.push(...teams(after?.forgeTeams ?? [], before?.forgeTeams ?? []));
  if (after?.oncall && !before?.oncall) gains.push('on-call monitoring notifications');
  if (before?.oncall && !after?.oncall) loses.push('on-call monitoring notifications');
  return { user, gains, loses };
}

/** `alice gains: ...` / `alice loses: ...` lines; none when nothing changes. */
export function changeLines(change: AccessChange): string[] {
  const lines: string[] = [];
  if (change.gains.length > 0) lines.push(`${change.user} gains: ${change.gains.join(', ')}`);
  if (change.loses.length > 0) lines.push(`${change.user} loses: ${change.loses.join(', ')}`);
  return lines;
}

/** Changes of every member between two models, sorted by login. */
export function describeChanges(
  before: readonly MemberAccess[],
  after: readonly MemberAccess[],
): AccessChange[] {
  const users = [...new Set([...before, ...after].map((a) => a.user))].sort();
  return users
    .map((u) =>
      describeChange(
        before.find((a) => a.user === u),
        after.find((a) => a.user === u),
      ),
    )
    .filter((c) => c.gains.length > 0 || c.loses.length > 0);
}
