// Who may read which secret: the scopes a role's `secrets:` grant matches, and the age recipients of each scope
// (the readers' usable keys plus the deploy identity), with the tags age writes for SSH recipients.
import { createHash } from 'node:crypto';
import { AGE_SSH_KEY_TYPES } from '../inventory/common.ts';
import type { Member } from '../inventory/members.schema.ts';
import type { Role } from '../inventory/roles.schema.ts';
import type { Model } from '../model/derive.ts';
import { instanceScope } from '../model/instance-names.ts';
import { secretKey, type SecretNeed } from '../model/secret-needs.ts';

/** One line of an age recipients list, and whose it is. */
export interface Recipient {
  /** A member's user name, or `deploy` for the deploy identity. */
  readonly who: string;
  /** An `ssh-ed25519`/`ssh-rsa` public key line or an `age1…` recipient. */
  readonly line: string;
  /**
   * The tag age writes in the file's header for an SSH recipient (`-> ssh-ed25519 TAG …`), so the header
   * shows who can read a file without decrypting it; undefined for an age1 recipient (its stanza is anonymous).
   */
  readonly tag?: string;
  /** The stanza type age writes for it: `ssh-ed25519`, `ssh-rsa` or `X25519`. */
  readonly stanza: string;
}

export const DEPLOY = 'deploy';

/** What a scope belongs to: the VM (none for a site scope), the service kind (service scopes), the site. */
interface ScopeOwner {
  readonly vm?: string;
  readonly tags: readonly string[];
  readonly kind?: string;
  readonly site: string;
}

/** The owner of every scope the model can name, by scope. */
export function scopeOwners(model: Model): Map<string, ScopeOwner> {
  const owners = new Map<string, ScopeOwner>();
  for (const vm of model.inventory.vms)
    owners.set(`vm/${vm.name}`, {
      vm: vm.name,
      tags: vm.tags,
      site: model.services.siteOf.get(vm.name) ?? '',
    });
  for (const instance of model.services.instances)
    owners.set(instanceScope(model, instance), {
      vm: instance.vm.name,
      tags: instance.vm.tags,
      kind: instance.kind,
      site: instance.site,
    });
  for (const site of model.inventory.sites) owners.set(`site/${site.name}`, { tags: [], site: site.name });
  return owners;
}

/** Whether a role's `secrets:` grant covers a scope: `services` reaches only those kinds' service scopes. */
export function grantCovers(grant: Role['secrets'], owner: ScopeOwner | undefined): boolean {
  if (grant === undefined || owner === undefined) return false;
  if (grant === 'all') return true;
  if (grant.sites?.includes(owner.site)) return true;
  if (owner.vm !== undefined && grant.vms?.includes(owner.vm)) return true;
  if (owner.vm !== undefined && owner.tags.some((t) => grant.tags?.includes(t))) return true;
  return owner.kind !== undefined && grant.services?.includes(owner.kind) === true;
}

/** The members who may read a scope, in members.yaml order. */
export function readersOf(model: Model, owners: ReadonlyMap<string, ScopeOwner>, scope: string): Member[] {
  const roles = new Map(model.inventory.roles.map((r) => [r.name, r]));
  const owner = owners.get(scope);
  return model.inventory.members.filter((m) =>
    m.roles.some((name) => grantCovers(roles.get(name)?.secrets, owner)),
  );
}

/** A member's keys age can encrypt to, and their age1 recipient. */
export function memberRecipients(member: Member): Recipient[] {
  const out = member.keys.filter(usableByAge).map((line) => sshRecipient(member.user, line));
  if (member.age) out.push({ who: member.user, line: member.age, stanza: 'X25519' });
  return out;
}

export function usableByAge(line: string): boolean {
  return AGE_SSH_KEY_TYPES.includes(line.trim().split(/ +/)[0] ?? '');
}

/** age's recipient tag for an SSH key: the first 4 bytes of SHA-256 of its wire blob, unpadded base64. */
export function sshRecipient(who: string, line: string): Recipient {
  const [type = '', blob = ''] = line.trim().split(/ +/);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest();
  return {
    who,
    line: `${type} ${blob}`,
    stanza: type,
    tag: digest.subarray(0, 4).toString('base64').replace(/=+$/, ''),
  };
}

/** Recipients of a secret: the deploy identity first, then every reader's keys, in members.yaml order. */
export function recipientsOf(
  model: Model,
  owners: ReadonlyMap<string, ScopeOwner>,
  need: SecretNeed,
): Recipient[] {
  const deploy = model.inventory.org.secrets?.deploy_key;
  return [
    ...(deploy ? [sshRecipient(DEPLOY, deploy)] : []),
    ...readersOf(model, owners, need.scope).flatMap(memberRecipients),
  ];
}

/** Every needed secret's recipients, by key. */
export function recipientPlan(model: Model, needs: readonly SecretNeed[]): Map<string, Recipient[]> {
  const owners = scopeOwners(model);
  return new Map(needs.map((need) => [secretKey(need), recipientsOf(model, owners, need)]));
}
