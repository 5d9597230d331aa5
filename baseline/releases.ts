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
import { generated, type Part, type ReleaseRestart } from './parts.ts';

/** How one application not packaged in Debian runs: its user, its data, its program in the release. */
export interface ReleaseApp {
  /** The system user it runs as, owner of its data. */
  readonly user: string;
  /** Where it keeps its state: the only path the unit may write (besides its own ReadWritePaths extras). */
  readonly dataDir: string;
  /** The program inside /opt/<app>/<version>: the binary's new name, or a path in the unpacked archive. */
  readonly program: string;
  /** Arguments after the program. */
  readonly args: readonly string[];
  /** Environment of the unit, `NAME=value`. */
  readonly environment?: readonly string[];
}

/** The applications installed from releases, by service kind. */
export const RELEASE_APPS: Readonly<Record<string, ReleaseApp>> = {
  gitea: {
    user: 'git',
    dataDir: '/var/lib/gitea',
    program: 'gitea',
    args: ['web', '--config', '/etc/gitea/app.ini', '--work-path', '/var/lib/gitea'],
    environment: ['USER=git', 'HOME=/var/lib/gitea', 'GITEA_WORK_DIR=/var/lib/gitea'],
  },
};

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

/** A hardened unit: its own user, a read-only system, writes only to its data, no privilege gain. */
export function releaseUnit(app: string, spec: ReleaseApp): string {
  const exec = [`${releaseRoot(app)}/current/${spec.program}`, ...spec.args].join(' ');
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
    `WorkingDirectory=${spec.dataDir}`,
    ...(spec.environment ?? []).map((e) => `Environment=${e}`),
    `ExecStart=${exec}`,
    'Restart=always',
    'RestartSec=5s',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    `ReadWritePaths=${spec.dataDir}`,
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
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

/** The releases of the VM's services that Debian does not package; undefined when there are none. */
export function releaseParts(model: Model, vm: Vm): Part[] {
  const kinds = new Set(model.services.instances.filter((i) => i.vm.name === vm.name).map((i) => i.kind));
  const parts: Part[] = [];
  for (const kind of [...kinds].sort()) {
    const spec = RELEASE_APPS[kind];
    const release = model.inventory.releases[kind];
    if (spec && release) parts.push(releaseAppPart(kind, spec, release));
  }
  return parts;
}
