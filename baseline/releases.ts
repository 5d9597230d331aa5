// Installs pinned upstream releases (inventory/releases.yaml) on a VM: verified download, side-by-side versions, a `current` symlink, a hardened unit.
//
// The download is checked against the pinned checksum before it lands in the staging directory, and nothing is
// unpacked from anything else; each version gets its own /opt/<app>/<version>, so the previous one stays for
// a rollback (a revert of releases.yaml switches `current` back). Only the playbook installs releases: first
// boot leaves them to the first converge, which runs right after the stacks.
import {
  artifactFormat,
  checksumOf,
  type ArtifactFormat,
  type Release,
} from '../inventory/releases.schema.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import type { ReleaseApp } from '../services/types.ts';
import { generated, type Part, type ReleaseRestart } from './parts.ts';

/** One release to install on a VM, as the playbook renders it. */
export interface ReleaseInstall {
  readonly app: string;
  readonly version: string;
  readonly url: string;
  /** `sha256:<hex>` or `sha512:<hex>`, as get_url takes it. */
  readonly checksum: string;
  readonly format: ArtifactFormat;
  /** The program inside the version directory (the binary's name, or a path in the archive). */
  readonly program: string;
  /** The systemd unit restarted when `current` moves. */
  readonly unit: string;
  /** The handler that restarts it; its configuration files notify the same. */
  readonly restart: ReleaseRestart;
}

/** Where an application's versions live: /opt/<app>/<version>, and /opt/<app>/current the one that runs. */
export function releaseRoot(app: string): string {
  return `/opt/${app}`;
}

/** The [Service] lines that confine an application: a read-only system but for `writable`, no privilege gain. */
export function hardening(writable: readonly string[]): string[] {
  return [
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${writable.join(' ')}`,
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
  ];
}

/** A hardened unit: its own user, a read-only system, writes only to its data, no privilege gain. */
export function releaseUnit(app: string, spec: ReleaseApp): string {
  const current = `${releaseRoot(app)}/current`;
  const exec = [
    ...(spec.interpreter ? [spec.interpreter] : []),
    `${current}/${spec.program}`,
    ...spec.args,
  ].join(' ');
  const lines = [
    '[Unit]',
    `Description=${app} (upstream release from /opt/${app}/current, pinned in releases.yaml)`,
    'After=network-online.target postgresql.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${spec.user}`,
    `Group=${spec.user}`,
    `WorkingDirectory=${spec.workingDirectory ? `${current}/${spec.workingDirectory}` : spec.dataDir}`,
    ...(spec.environment ?? []).map((e) => `Environment=${e}`),
    ...(spec.environmentFile ? [`EnvironmentFile=${spec.environmentFile}`] : []),
    `ExecStart=${exec}`,
    'Restart=always',
    'RestartSec=5s',
    ...hardening([spec.dataDir, ...(spec.writable ?? [])]),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return generated('#', `${lines.join('\n')}\n`);
}

/** The part that installs one application's release and runs it under its unit. */
export function releaseAppPart(app: string, spec: ReleaseApp, release: Release): Part {
  const format = artifactFormat(release);
  return {
    name: `release: ${app} ${release.version}`,
    groups: [spec.user],
    users: [
      {
        name: spec.user,
        gecos: `${app} (upstream release)`,
        groups: [spec.user],
        shell: '/bin/sh',
        homedir: spec.dataDir,
        system: true,
        lock_passwd: true,
      },
    ],
    directories: [{ path: spec.dataDir, mode: '0750', owner: `${spec.user}:${spec.user}` }],
    files: [
      {
        path: `/etc/systemd/system/${app}.service`,
        content: releaseUnit(app, spec),
        permissions: '0644',
        reload: 'reload systemd',
      },
    ],
    services: [app],
    releases: [
      {
        app,
        version: release.version,
        url: release.url,
        checksum: checksumOf(release),
        format,
        program: spec.program,
        unit: app,
        restart: `restart release ${app}`,
      },
    ],
    convergeOnly: true,
  };
}

/**
 * The releases of the VM's services that Debian does not package, one part per application; `own` are the
 * applications whose parts install their release themselves (baseline/apps.ts).
 */
export function releaseParts(model: Model, vm: Vm, own: ReadonlySet<string> = new Set()): Part[] {
  const parts: Part[] = [];
  const seen = new Set<string>();
  for (const i of model.services.onVm.get(vm.name) ?? []) {
    if (!i.def.release || seen.has(i.kind) || own.has(i.kind)) continue;
    seen.add(i.kind);
    // The catalog's rule release-not-pinned reports a kind that needs a release and has none.
    const release = model.inventory.releases[i.kind];
    if (release) parts.push(releaseAppPart(i.kind, i.def.release, release));
  }
  return parts.sort((a, b) => a.name.localeCompare(b.name));
}
