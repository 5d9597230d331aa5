// Who has a mailbox on which mail server: every member whose `email` is at one of a mail instance's domains,
// and the addresses (postmaster, abuse, root) that reach the members on call.
import type { Model } from './derive.ts';
import type { ServiceInstance } from '../services/instances.ts';
import { mailDomains } from '../services/kinds/mail.ts';
import { instanceScope } from './instance-names.ts';

export const MAIL_KIND = 'mail';

/** One member's mailbox: the address, the member, and the store key of its password. */
export interface Mailbox {
  readonly address: string;
  readonly user: string;
  /** `<scope>/mailbox-<user>`: the password; converge hands Dovecot only its hash (`<key>.hash`). */
  readonly secret: string;
}

/** The secret name of a member's mailbox password in its instance's scope. */
export function mailboxSecretName(user: string): string {
  return `mailbox-${user}`;
}

/** The mailboxes of a mail instance, in members.yaml order. */
export function mailboxes(
  model: Pick<Model, 'inventory' | 'services'>,
  instance: ServiceInstance,
): Mailbox[] {
  const domains = new Set(mailDomains(instance.ctx));
  return model.inventory.members
    .filter((m) => domains.has(m.email.slice(m.email.lastIndexOf('@') + 1)))
    .map((m) => ({
      address: m.email,
      user: m.user,
      secret: `${instanceScope(model, instance)}/${mailboxSecretName(m.user)}`,
    }));
}

/** The addresses of the members on call (a role with `oncall: true`) that have a mailbox on this instance. */
export function onCallAddresses(model: Model, instance: ServiceInstance): string[] {
  const oncall = new Set(model.inventory.roles.filter((r) => r.oncall).map((r) => r.name));
  const users = new Set(
    model.inventory.members.filter((m) => m.roles.some((r) => oncall.has(r))).map((m) => m.user),
  );
  return mailboxes(model, instance)
    .filter((b) => users.has(b.user))
    .map((b) => b.address);
}

/** The organisation's mail relay: the first mail instance in vms.yaml, where every VM hands its mail. */
export function mailRelay(model: Model): ServiceInstance | undefined {
  return model.services.instances.find((i) => i.kind === MAIL_KIND);
}
