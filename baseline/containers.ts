// Applications that ship as container images (Drone): Podman from Debian runs the image pinned by digest under a systemd unit.
//
// The digest in releases.yaml is what runs: `podman run` pulls exactly that image the first time the unit starts
// (and refuses anything else under that name), and a bump of the pin changes the unit, whose restart pulls the
// new image; the previous one stays in Podman's store until pruned, so a revert starts again at once.
import type { ContainerImage } from '../inventory/releases.schema.ts';
import type { ContainerApp } from '../services/types.ts';
import { generated, type Part, type ReleaseRestart } from './parts.ts';

const PODMAN = '/usr/bin/podman';
/** Podman's Docker-compatible API (podman.socket), what a CI runner drives pipelines' containers through. */
export const PODMAN_SOCKET = '/run/podman/podman.sock';

/** The environment file of a container application: `<configDir>/<app>.env`. */
export function containerEnvPath(app: string, spec: ContainerApp): string {
  return `${spec.configDir}/${app}.env`;
}

/**
 * An environment file as `podman run --env-file` reads it: `NAME=value` per line, the value taken as it is up to
 * the end of the line (no quoting), so a value with a line break is refused.
 */
export function envFile(entries: readonly (readonly [string, string])[]): string {
  const lines = entries.map(([name, value]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${name}`);
    if (/[\r\n]/.test(value)) throw new Error(`the value of ${name} holds a line break`);
    return `${name}=${value}`;
  });
  return generated('#', `${lines.join('\n')}\n`);
}

/** `podman run --rm --name <app>` of the pinned digest, on the host network, with its env file and volumes. */
export function containerUnit(app: string, spec: ContainerApp, image: ContainerImage): string {
  const run = [
    `${PODMAN} run --rm --name ${app}`,
    // The host's network: IPv6 like every service here, and the VM's nftables decides who reaches the port.
    '--network host',
    `--env-file ${containerEnvPath(app, spec)}`,
    ...spec.volumes.map((v) => `--volume ${v.host}:${v.container}`),
    ...(spec.engineSocket ? [`--volume ${PODMAN_SOCKET}:/var/run/docker.sock`] : []),
    image.image,
  ];
  const lines = [
    '[Unit]',
    `Description=${app} ${image.version} (container image pinned by digest in releases.yaml)`,
    'After=network-online.target',
    'Wants=network-online.target',
    ...(spec.engineSocket ? ['Requires=podman.socket', 'After=podman.socket'] : []),
    '',
    '[Service]',
    'Type=simple',
    // A container left over from a crash would hold the name.
    `ExecStartPre=${PODMAN} rm --force --ignore ${app}`,
    `ExecStart=${run.join(' \\\n    ')}`,
    `ExecStop=${PODMAN} stop --ignore --time 20 ${app}`,
    'Restart=always',
    'RestartSec=10s',
    // The first start pulls the image.
    'TimeoutStartSec=600',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return generated('#', `${lines.join('\n')}\n`);
}

/** The part that runs one container application: its unit, its env file (secrets from the store), its data. */
export function containerAppPart(
  app: string,
  spec: ContainerApp,
  image: ContainerImage,
  env: readonly (readonly [string, string])[],
): Part {
  const restart: ReleaseRestart = `restart release ${app}`;
  return {
    name: `container: ${app} ${image.version} by Podman (${image.image.slice(image.image.indexOf('@') + 1, image.image.indexOf('@') + 20)}…)`,
    directories: [
      { path: spec.configDir, mode: '0700' },
      ...spec.volumes.map((v) => ({ path: v.host, mode: '0700' })),
    ],
    files: [
      {
        path: `/etc/systemd/system/${app}.service`,
        content: containerUnit(app, spec, image),
        reload: 'reload systemd',
      },
      {
        path: containerEnvPath(app, spec),
        content: envFile(env),
        permissions: '0600',
        secret: true,
        reload: restart,
      },
      // Unit changes (a new digest) restart it too: a second file notifying the same handler.
      {
        path: `${spec.configDir}/${app}.image`,
        content: `${image.image}\n`,
        permissions: '0644',
        reload: restart,
      },
    ],
    services: [app, ...(spec.engineSocket ? ['podman.socket'] : [])],
    convergeOnly: true,
  };
}
