// Drone's server and runners from the model and the store: their environment files, run as pinned containers (baseline/containers.ts).
//
// The server answers on its web name behind the proxies, keeps its data in PostgreSQL on its `db:` VM, logs in
// through Gitea's OAuth application (made by the forge stack; its client id and secret are copied into the
// store), and shares the RPC secret with its runners, which connect out to it over HTTPS.
import { fqdn } from '../inventory/names.ts';
import type { Vm } from '../inventory/vms.schema.ts';
import type { Model } from '../model/derive.ts';
import { instanceDatabases, instanceScope } from '../model/instance-names.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { containerAppPart } from './containers.ts';
import { GITEA_KIND } from './gitea.ts';
import { type Part, secretRef } from './parts.ts';

export const DRONE_SERVER = 'drone-server';
export const DRONE_RUNNER = 'drone-runner';

/** The path Gitea sends a login back to: the redirect URI of Drone's OAuth application. */
export const DRONE_LOGIN_PATH = '/login';

/** The server instance a runner (or the forge stack) works with: one in the same site first. */
export function droneServerFor(model: Model, site: string): ServiceInstance | undefined {
  const servers = model.services.instances.filter((i) => i.kind === DRONE_SERVER);
  return servers.find((i) => i.site === site) ?? servers[0];
}

/** The server's environment: its public name, Gitea, PostgreSQL and the secrets from the store. */
export function droneServerEnv(model: Model, instance: ServiceInstance): [string, string][] {
  const scope = instanceScope(model, instance);
  const ref = (name: string): string => secretRef(`${scope}/${name}`);
  const gitea = model.services.instances.find((i) => i.kind === GITEA_KIND);
  const db = instanceDatabases(model, instance)[0];
  const env: [string, string][] = [
    ['DRONE_SERVER_HOST', instance.ctx.webNames[0]!],
    ['DRONE_SERVER_PROTO', 'https'],
    ['DRONE_SERVER_PORT', `:${instance.def.web!.port}`],
    ['DRONE_RPC_SECRET', ref('rpc-secret')],
    ['DRONE_DATABASE_SECRET', ref('database-secret')],
  ];
  if (gitea)
    env.push(
      ['DRONE_GITEA_SERVER', `https://${gitea.ctx.webNames[0]!}`],
      ['DRONE_GITEA_CLIENT_ID', ref('gitea-client-id')],
      ['DRONE_GITEA_CLIENT_SECRET', ref('gitea-client-secret')],
    );
  if (db) {
    const host = fqdn(model.inventory, model.services.vmByName.get(db.server)!);
    // Letters and digits only (model/secret-needs.ts): the password needs no escaping in the URL.
    const url = `postgres://${db.user}:${secretRef(db.secret)}@${host}:5432/${db.name}?sslmode=disable`;
    env.push(['DRONE_DATABASE_DRIVER', 'postgres'], ['DRONE_DATABASE_DATASOURCE', url]);
  }
  return env;
}

/** A runner's environment: the server it serves (over HTTPS through the proxies), its RPC secret, its capacity. */
export function droneRunnerEnv(model: Model, instance: ServiceInstance): [string, string][] | undefined {
  const server = droneServerFor(model, instance.site);
  if (!server) return undefined;
  return [
    ['DRONE_RPC_PROTO', 'https'],
    ['DRONE_RPC_HOST', server.ctx.webNames[0]!],
    ['DRONE_RPC_SECRET', secretRef(`${instanceScope(model, server)}/rpc-secret`)],
    ['DRONE_RUNNER_NAME', fqdn(model.inventory, instance.vm)],
    // Half the cores: a pipeline step is often a compiler that takes more than one.
    ['DRONE_RUNNER_CAPACITY', String(Math.max(1, Math.floor(instance.vm.cores / 2)))],
  ];
}

/**
 * The Drone server or runner of the VM, when its image is pinned in releases.yaml and the organisation has a
 * store; none otherwise (the catalog's rule release-not-pinned warns about a missing pin).
 */
export function droneParts(model: Model, vm: Vm): Part[] {
  if (!model.inventory.org.secrets) return [];
  const parts: Part[] = [];
  for (const instance of model.services.onVm.get(vm.name) ?? []) {
    if (!instance.def.container) continue;
    const image = model.inventory.containers?.[instance.kind];
    const env =
      instance.kind === DRONE_SERVER
        ? droneServerEnv(model, instance)
        : instance.kind === DRONE_RUNNER
          ? droneRunnerEnv(model, instance)
          : undefined;
    if (image && env) parts.push(containerAppPart(instance.kind, instance.def.container, image, env));
  }
  return parts;
}
