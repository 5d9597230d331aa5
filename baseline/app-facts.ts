// What an application's configuration needs to know about its instance, derived from the model in one place:
// its public URL, its database and the store key of its password, the mail relay, the proxies in front of it.
import { fqdn } from '../inventory/names.ts';
import type { Model } from '../model/derive.ts';
import { instanceDatabases, instanceScope } from '../model/instance-names.ts';
import { DATABASE_KIND } from '../services/catalog.ts';
import { dependencyTargets, proxiesFor, vmAddresses, type ServiceInstance } from '../services/instances.ts';
import type { Release } from '../inventory/releases.schema.ts';

/** The service kind whose VM relays the applications' mail (Postfix on port 25). */
export const MAIL_KIND = 'mail';
export const SMTP_PORT = 25;
export const POSTGRESQL_PORT = 5432;

export interface AppDatabase {
  /** The PostgreSQL VM's FQDN. */
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  /** `<scope>/db-password` in the store. */
  readonly passwordKey: string;
}

export interface AppFacts {
  readonly instance: ServiceInstance;
  readonly release: Release;
  /** `service/<kind>-<vm>`: where its secrets are in the store. */
  readonly scope: string;
  /** The web names, the first one canonical. */
  readonly webNames: readonly string[];
  /** `https://<first web name>`, no trailing slash. */
  readonly url: string;
  readonly database?: AppDatabase;
  /** The FQDN of the VM that relays mail (the first running `mail`), if the organisation has one. */
  readonly mailHost?: string;
  /** The addresses of the proxies in front of it, which it trusts for X-Forwarded-For. */
  readonly proxies: readonly string[];
  /** The organisation's domain, for sender addresses. */
  readonly domain: string;
}

/** The store key of one of the instance's application secrets (model/secret-needs.ts declares them). */
export function appSecretKey(facts: Pick<AppFacts, 'scope'>, name: string): string {
  return `${facts.scope}/${name}`;
}

export function appFacts(model: Model, instance: ServiceInstance, release: Release): AppFacts {
  const { inventory, services } = model;
  const db = instanceDatabases(model, instance)[0];
  const server = db ? dependencyTargets(services, instance, DATABASE_KIND)[0] : undefined;
  const mail = services.running.get(MAIL_KIND)?.[0];
  const webNames = instance.ctx.webNames;
  return {
    instance,
    release,
    scope: instanceScope(model, instance),
    webNames,
    url: `https://${webNames[0] ?? instance.ctx.fqdn}`,
    ...(db && server
      ? {
          database: {
            host: fqdn(inventory, server),
            port: POSTGRESQL_PORT,
            name: db.name,
            user: db.user,
            passwordKey: db.secret,
          },
        }
      : {}),
    ...(mail ? { mailHost: fqdn(inventory, mail) } : {}),
    proxies: proxiesFor(services, instance).flatMap((vm) => {
      const a = vmAddresses(services, vm);
      return [...a.ipv6, ...a.ipv4];
    }),
    domain: inventory.org.domain,
  };
}

/** gunicorn's arguments for an app behind the proxies: both address families, X-Forwarded-* trusted from them. */
export function gunicornArgs(
  port: number,
  proxies: readonly string[],
  app: string,
  extra: readonly string[] = [],
): string[] {
  return [
    '-m',
    'gunicorn',
    '--bind',
    `[::]:${port}`,
    '--workers',
    '4',
    ...extra,
    ...(proxies.length > 0 ? ['--forwarded-allow-ips', proxies.join(',')] : []),
    app,
  ];
}
