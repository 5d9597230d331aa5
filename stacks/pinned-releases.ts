// The pinned upstream releases as a line per application, for reviewers: the diff reads it to show a bump.
import type { Inventory } from '../inventory/inventory.ts';

/** Where the list goes under `cdktf.out/artifacts/`. */
export const PINNED_RELEASES = 'releases/pinned.txt';

/** One line per application: `gitea 1.22.6 https://... sha256:...`, sorted by application. */
export function pinnedReleasesReport(inventory: Inventory): string {
  const lines = [
    '# Application, version, artifact URL and checksum (or image by digest); see inventory/releases.yaml.',
  ];
  for (const app of Object.keys(inventory.releases).sort()) {
    const r = inventory.releases[app]!;
    const checksum = r.sha256 !== undefined ? `sha256:${r.sha256}` : `sha512:${r.sha512!}`;
    lines.push(`${app} ${r.version} ${r.url} ${checksum}`);
  }
  // Container images by digest read the same way: a bump shows as `drone-server 2.25.0 → 2.26.0`.
  const containers = inventory.containers ?? {};
  for (const app of Object.keys(containers).sort())
    lines.push(`${app} ${containers[app]!.version} ${containers[app]!.image}`);
  return `${lines.join('\n')}\n`;
}

export interface ReleaseBump {
  readonly app: string;
  /** Undefined when the application is newly pinned. */
  readonly before?: string;
  /** Undefined when the pin was removed. */
  readonly after?: string;
}

function versions(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [app, version] = line.split(' ');
    if (app && version) out.set(app, version);
  }
  return out;
}

/** What changed between two lists: a bump, a rollback, a new or a dropped pin; a changed checksum alone counts too. */
export function releaseBumps(before: string | undefined, after: string | undefined): ReleaseBump[] {
  const a = versions(before);
  const b = versions(after);
  const lines = (text: string | undefined): Set<string> => new Set((text ?? '').split('\n'));
  const beforeLines = lines(before);
  const afterLines = lines(after);
  const changedLine = (app: string): boolean =>
    [...afterLines].some((l) => l.startsWith(`${app} `) && !beforeLines.has(l));
  const bumps: ReleaseBump[] = [];
  for (const app of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(app) !== b.get(app) || changedLine(app))
      bumps.push({ app, before: a.get(app), after: b.get(app) });
  }
  return bumps;
}

/** `gitea 1.22.3 → 1.22.6`, `gitea (new) → 1.22.6`, `gitea 1.22.6 → (removed)`. */
export function bumpLine(bump: ReleaseBump): string {
  const same = bump.before === bump.after ? ' (same version, other artifact or checksum)' : '';
  return `${bump.app} ${bump.before ?? '(new)'} → ${bump.after ?? '(removed)'}${same}`;
}
