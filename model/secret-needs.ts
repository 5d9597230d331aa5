// Every secret the model needs, declared in one place: its scope and name in the store, how it is made
// (alphabet and length each consumer accepts), and the VMs converge hands it to (docs/secrets.md).
import type { Model } from './derive.ts';
import { BACKUP_REPO_KIND, DATABASE_KIND, PROXY_KIND } from '../services/catalog.ts';
import { dependencyTargets, type ServiceInstance } from '../services/instances.ts';
import { instanceDatabases, instanceScope } from './instance-names.ts';
import { icingawebUsers, webPasswordName } from './icingaweb-users.ts';
import { MAIL_KIND, mailboxes, mailboxSecretName } from './mailboxes.ts';

/**
 * How a value is made: `password` letters and digits (safe in SQL, URLs, INI and YAML unquoted), `hex`,
 * `base64` of `length` random bytes (TSIG keys), `ssh-ed25519` (an OpenSSH private key from ssh-keygen), or
 * `rsa-2048` (a PKCS #8 PEM private key: DKIM signing, whose receivers verify RSA everywhere, Ed25519 rarely), or
 * `matrix-signing-key` (Synapse's signing key file: `ed25519 a_<id> <unpadded base64 of a 32-byte seed>`).
 */
export type SecretAlphabet =
  'password' | 'hex' | 'base64' | 'ssh-ed25519' | 'rsa-2048' | 'matrix-signing-key';

export interface SecretNeed {
  /** `service/<instance>`, `vm/<vm>` or `site/<site>`: who may read it follows from the scope (roles.yaml). */
  readonly scope: string;
  /** File name in the scope's folder, without `.age`. */
  readonly name: string;
  readonly alphabet: SecretAlphabet;
  /** Characters for password and hex, random bytes for base64; ignored for ssh-ed25519. */
  readonly length: number;
  /** What consumes it, for `secrets list` and the docs. */
  readonly for: string;
  /** The VMs whose converge gets it, sorted. */
  readonly vms: readonly string[];
  /**
   * Another system makes the value (Gitea makes an OAuth application's credentials): `secrets generate` leaves
   * it out, and a maintainer copies it in with `secrets set` once it exists. Says where to find it. @default we make it
   */
  readonly madeBy?: string;
}

/** How the store, the Ansible `secrets` dict and every message name a secret: `<scope>/<name>`. */
export function secretKey(need: Pick<SecretNeed, 'scope' | 'name'>): string {
  return `${need.scope}/${need.name}`;
}

/** Application secrets by service kind (beyond database passwords), each with what the application accepts. */
const KIND_SECRETS: Readonly<Record<string, readonly Omit<SecretNeed, 'scope' | 'for' | 'vms'>[]>> = {
  accounts: [{ name: 'app-key', alphabet: 'password', length: 64 }],
  gitea: [
    { name: 'secret-key', alphabet: 'password', length: 64 },
    { name: 'internal-token', alphabet: 'password', length: 105 },
    // Gitea decodes both as unpadded URL-safe base64 of 32 bytes: 43 letters and digits are such a text.
    { name: 'jwt-secret', alphabet: 'password', length: 43 },
    { name: 'lfs-jwt-secret', alphabet: 'password', length: 43 },
    { name: 'admin-password', alphabet: 'password', length: 32 },
  ],
  nextcloud: [
    { name: 'instance-secret', alphabet: 'password', length: 48 },
    { name: 'password-salt', alphabet: 'password', length: 30 },
    { name: 'admin-password', alphabet: 'password', length: 32 },
  ],
  synapse: [
    { name: 'macaroon-secret-key', alphabet: 'password', length: 64 },
    { name: 'registration-shared-secret', alphabet: 'password', length: 64 },
    { name: 'form-secret', alphabet: 'password', length: 64 },
    // The server's identity towards other servers: rotating it makes them distrust old signatures.
    { name: 'signing-key', alphabet: 'matrix-signing-key', length: 0 },
  ],
  etherpad: [
    { name: 'session-key', alphabet: 'hex', length: 64 },
    { name: 'admin-password', alphabet: 'password', length: 32 },
  ],
  peertube: [{ name: 'secret', alphabet: 'hex', length: 64 }],
  mailman: [
    { name: 'rest-password', alphabet: 'password', length: 32 },
    { name: 'hyperkitty-api-key', alphabet: 'password', length: 32 },
    { name: 'django-secret-key', alphabet: 'password', length: 64 },
    // The web UI's superuser (baseline/mailman.ts WEB_ADMIN).
    { name: 'web-admin-password', alphabet: 'password', length: 32 },
  ],
  moinmoin: [{ name: 'secret-key', alphabet: 'password', length: 64 }],
  'icinga2-master': [
    // Icinga Web 2 sends commands through the API as the ApiUser `icingaweb2` with it.
    { name: 'api-password', alphabet: 'password', length: 32 },
    // The roles of the IDO and Icinga Web 2 databases on the master's own PostgreSQL (monitoring/icingaweb.ts).
    { name: 'ido-db-password', alphabet: 'password', length: 32 },
    { name: 'web-db-password', alphabet: 'password', length: 32 },
  ],
  'drone-server': [
    // Drone encrypts the secrets of repositories in its database with it: 32 characters.
    { name: 'database-secret', alphabet: 'hex', length: 32 },
    // Gitea makes both when the forge stack creates Drone's OAuth application (constructs/DroneOauthApp.ts).
    ...(['client-id', 'client-secret'] as const).map((what) => ({
      name: `gitea-${what}`,
      alphabet: 'password' as const,
      length: 0,
      madeBy: `Gitea (forge stack output drone_oauth_${what.replace('-', '_')}_<vm>)`,
    })),
  ],
  // murmurd -readsupw reads one line: letters and digits only.
  mumble: [{ name: 'superuser-password', alphabet: 'password', length: 32 }],
};

/** Secrets an instance shares with the VMs of other kinds (Drone's runners, Icinga's satellites, Knot's secondaries). */
const SHARED_SECRETS: Readonly<
  Record<
    string,
    {
      readonly name: string;
      readonly alphabet: SecretAlphabet;
      readonly length: number;
      readonly with: string;
    }
  >
> = {
  'drone-server': { name: 'rpc-secret', alphabet: 'hex', length: 32, with: 'drone-runner' },
  'icinga2-master': { name: 'ticket-salt', alphabet: 'hex', length: 64, with: 'icinga2-satellite' },
  'dns-primary': { name: 'transfer-tsig', alphabet: 'base64', length: 32, with: 'dns-secondary' },
  // PeerTube accepts it as a registration token (baseline/peertube.ts); its runners register with it.
  peertube: { name: 'runner-registration-token', alphabet: 'hex', length: 64, with: 'peertube-runner' },
  // The XMPP account the stand-alone videobridges log in to their Meet's Prosody with.
  'jitsi-meet': { name: 'jvb-password', alphabet: 'password', length: 32, with: 'jitsi-videobridge' },
};

/** Kinds that terminate TLS on their own VM: they get a certificate by ACME DNS-01 and so a TSIG key. */
const TLS_KINDS = new Set([PROXY_KIND, 'prosody', 'mail', 'coturn', 'mumble']);
/** Kinds that hand out TURN credentials made with the site's TURN shared secret. */
const TURN_CLIENTS = new Set([
  'coturn',
  'prosody',
  'synapse',
  'jitsi-meet',
  'jitsi-videobridge',
  'bigbluebutton',
]);

/** What secretNeeds reads: the model as deriveModel has it before it derives the secrets. */
type ModelWithoutSecrets = Pick<Model, 'inventory' | 'services'>;

/** Every secret the model needs, sorted by key: what `secrets generate` makes and `npm run check` looks for. */
export function secretNeeds(model: ModelWithoutSecrets): SecretNeed[] {
  const needs = [...instanceNeeds(model), ...vmNeeds(model), ...siteNeeds(model)];
  return needs.sort((a, b) => secretKey(a).localeCompare(secretKey(b)));
}

const sorted = (vms: Iterable<string>): string[] => [...new Set(vms)].sort();

function instanceNeeds(model: ModelWithoutSecrets): SecretNeed[] {
  const { services } = model;
  const out: SecretNeed[] = [];
  const replicasOf = new Map<string, ServiceInstance[]>();
  for (const i of services.instances)
    if (i.kind === DATABASE_KIND && typeof i.params.primary === 'string')
      replicasOf.set(i.params.primary, [...(replicasOf.get(i.params.primary) ?? []), i]);
  for (const instance of services.instances) {
    const scope = instanceScope(model, instance);
    const add = (need: Omit<SecretNeed, 'scope' | 'for'>): number =>
      out.push({ scope, for: instance.label, ...need });
    const db = dependencyTargets(services, instance, DATABASE_KIND)[0];
    if (db && instanceDatabases(model, instance).length > 0)
      add({
        name: 'db-password',
        alphabet: 'password',
        length: 32,
        vms: sorted([instance.vm.name, db.name]),
      });
    for (const spec of KIND_SECRETS[instance.kind] ?? []) {
      // What Gitea makes is needed once something reads it: Drone, when its image is pinned.
      if (spec.madeBy !== undefined && !model.inventory.containers?.[instance.kind]) continue;
      add({ ...spec, madeBy: spec.madeBy?.replace('<vm>', instance.vm.name), vms: [instance.vm.name] });
    }
    const shared = SHARED_SECRETS[instance.kind];
    if (shared) {
      const peers = (services.running.get(shared.with) ?? []).map((vm) => vm.name);
      const { with: _peer, ...spec } = shared;
      add({ ...spec, vms: sorted([instance.vm.name, ...peers]) });
    }
    // Each member with an Icinga Web 2 login has a password of their own (docs/services.md).
    if (instance.kind === 'icinga2-master')
      for (const user of icingawebUsers(model.inventory))
        add({ name: webPasswordName(user), alphabet: 'password', length: 24, vms: [instance.vm.name] });
    if (instance.kind === MAIL_KIND) {
      add({ name: 'dkim-key', alphabet: 'rsa-2048', length: 0, vms: [instance.vm.name] });
      for (const box of mailboxes(model, instance))
        add({ name: mailboxSecretName(box.user), alphabet: 'password', length: 32, vms: [instance.vm.name] });
    }
    if (instance.kind === DATABASE_KIND && typeof instance.params.primary !== 'string') {
      const replicas = replicasOf.get(instance.vm.name) ?? [];
      if (replicas.length > 0)
        add({
          name: 'replication-password',
          alphabet: 'password',
          length: 32,
          vms: sorted([instance.vm.name, ...replicas.map((r) => r.vm.name)]),
        });
    }
  }
  return out;
}

/** Borg passphrase and client key of every backed-up VM; the ACME TSIG key of every VM that terminates TLS. */
function vmNeeds(model: ModelWithoutSecrets): SecretNeed[] {
  const { inventory, services } = model;
  const out: SecretNeed[] = [];
  for (const vm of inventory.vms) {
    if (vm.os === 'other') continue;
    const own = services.onVm.get(vm.name) ?? [];
    const scope = `vm/${vm.name}`;
    if (inventory.org.backup && !own.some((i) => i.def.backup.none || i.kind === BACKUP_REPO_KIND)) {
      const base = { scope, for: `borgmatic on ${vm.name}`, vms: [vm.name] };
      out.push({ ...base, name: 'borg-passphrase', alphabet: 'password', length: 64 });
      out.push({ ...base, name: 'borg-ssh-key', alphabet: 'ssh-ed25519', length: 0 });
    }
    if (own.some((i) => TLS_KINDS.has(i.kind) || i.def.web?.tls === 'self'))
      out.push({
        scope,
        name: 'acme-tsig',
        alphabet: 'base64',
        length: 32,
        for: `ACME DNS-01 certificates of ${vm.name}`,
        vms: [vm.name],
      });
  }
  return out;
}

/** The TURN shared secret of each site with a TURN server, for it and the services that hand out TURN credentials. */
function siteNeeds(model: ModelWithoutSecrets): SecretNeed[] {
  const { services } = model;
  const bySite = new Map<string, string[]>();
  for (const instance of services.instances)
    if (TURN_CLIENTS.has(instance.kind))
      bySite.set(instance.site, [...(bySite.get(instance.site) ?? []), instance.vm.name]);
  const out: SecretNeed[] = [];
  for (const [site, vms] of [...bySite].sort(([a], [b]) => a.localeCompare(b))) {
    const turn = services.instances.some((i) => i.kind === 'coturn' && i.site === site);
    if (!turn) continue;
    out.push({
      scope: `site/${site}`,
      name: 'turn-secret',
      alphabet: 'password',
      length: 48,
      for: `TURN credentials in site ${site}`,
      vms: sorted(vms),
    });
  }
  return out;
}
