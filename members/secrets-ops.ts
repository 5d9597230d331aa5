// What `npm run secrets` and `npm run check` do with the store: judge each file against the model's needs
// and today's recipients, make what is missing, re-encrypt, rotate, and say who can read what.
import { existsSync, readFileSync } from 'node:fs';
import type { Finding } from '../inventory/findings.ts';
import type { Member } from '../inventory/members.schema.ts';
import type { Model } from '../model/derive.ts';
import { secretKey, type SecretNeed } from '../model/secret-needs.ts';
import { DEPLOY, memberRecipients, type Recipient, recipientPlan, sshRecipient } from './secret-access.ts';
import {
  decrypt,
  encrypt,
  freshValueFor,
  rsaPublicKey,
  headerStanzas,
  namesRecipient,
  sameRecipients,
  SecretsError,
  secretPath,
  type Stanza,
  storedKeys,
  writeSecretFile,
  writeSecretValue,
} from './secrets-store.ts';

export interface StoreContext {
  readonly model: Model;
  /** The store directory (`secrets/` beside the inventory). */
  readonly store: string;
  readonly needs: ReadonlyMap<string, SecretNeed>;
  /** Today's recipients of every needed secret, by key. */
  readonly plan: ReadonlyMap<string, readonly Recipient[]>;
  /** The inventory directory, where new values' public halves go (`public-keys/`); absent: nowhere. */
  readonly inventory?: string;
}

export function storeContext(model: Model, store: string, inventory?: string): StoreContext {
  const needs = model.secretNeeds;
  return {
    model,
    store,
    ...(inventory === undefined ? {} : { inventory }),
    needs: new Map(needs.map((n) => [secretKey(n), n])),
    plan: recipientPlan(model, needs),
  };
}

/**
 * `ok`; `missing` (needed, no file); `stale` (recipients differ from today's: run rekey); `no-deploy` (the
 * deploy identity is not among them: converge could not read it); `unneeded` (no consumer any more); `damaged`.
 */
export type SecretState = 'ok' | 'missing' | 'stale' | 'no-deploy' | 'unneeded' | 'damaged';

export interface SecretStatus {
  readonly key: string;
  readonly state: SecretState;
  readonly need?: SecretNeed;
  /** Who the file is encrypted to, as far as the header tells (age1 recipients show as `age1 recipient`). */
  readonly readers: readonly string[];
}

function stanzasOf(ctx: StoreContext, key: string): Stanza[] | undefined {
  const path = secretPath(ctx.store, key);
  if (!existsSync(path)) return undefined;
  try {
    return headerStanzas(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** Everyone the model knows a recipient for: the deploy identity and every member's keys. */
function knownRecipients(model: Model): Recipient[] {
  const deploy = model.inventory.org.secrets?.deploy_key;
  return [
    ...(deploy ? [sshRecipient(DEPLOY, deploy)] : []),
    ...model.inventory.members.flatMap(memberRecipients),
  ];
}

function readersFrom(known: readonly Recipient[], stanzas: readonly Stanza[]): string[] {
  const names = stanzas.map((s) =>
    s.tag === undefined
      ? 'age1 recipient'
      : (known.find((r) => r.stanza === s.type && r.tag === s.tag)?.who ?? `unknown ${s.type} key`),
  );
  return [...new Set(names)];
}

/** The state of every needed secret and every stored file, sorted by key. */
export function storeStatus(ctx: StoreContext): SecretStatus[] {
  const known = knownRecipients(ctx.model);
  const keys = [...new Set([...ctx.needs.keys(), ...storedKeys(ctx.store)])].sort();
  return keys.map((key) => {
    const need = ctx.needs.get(key);
    const stanzas = stanzasOf(ctx, key);
    const readers = stanzas ? readersFrom(known, stanzas) : [];
    const base = { key, readers, ...(need ? { need } : {}) };
    if (!stanzas) return { ...base, state: 'missing' as const };
    if (stanzas.length === 0) return { ...base, state: 'damaged' as const };
    if (!need) return { ...base, state: 'unneeded' as const };
    const plan = ctx.plan.get(key) ?? [];
    const deploy = plan.find((r) => r.who === DEPLOY);
    if (deploy && !namesRecipient(stanzas, deploy)) return { ...base, state: 'no-deploy' as const };
    return { ...base, state: sameRecipients(stanzas, plan) ? ('ok' as const) : ('stale' as const) };
  });
}

/** Makes and encrypts every needed secret the store lacks; returns their keys. */
export function generateMissing(ctx: StoreContext): Generated[] {
  const made: Generated[] = [];
  for (const [key, need] of ctx.needs) {
    if (existsSync(secretPath(ctx.store, key)) || need.madeBy !== undefined) continue;
    const value = freshValueFor(need);
    writeSecretValue(ctx.store, need, value, ctx.plan.get(key) ?? [], ctx.inventory);
    const publicKey = need.alphabet === 'rsa-2048' ? rsaPublicKey(value) : undefined;
    made.push({ key, ...(publicKey ? { publicKey } : {}) });
  }
  return made;
}

/** A secret `generate` made, with the public half of a key pair (what vms.yaml publishes, e.g. DKIM). */
export interface Generated {
  readonly key: string;
  readonly publicKey?: string;
}

/** Re-encrypts every needed file whose recipients differ from today's; returns their keys. */
export function rekey(ctx: StoreContext, identity: string): string[] {
  const changed: string[] = [];
  for (const status of storeStatus(ctx)) {
    if (status.state !== 'stale' && status.state !== 'no-deploy') continue;
    const value = decrypt(secretPath(ctx.store, status.key), identity);
    writeSecretFile(ctx.store, status.key, encrypt(value, ctx.plan.get(status.key) ?? []));
    changed.push(status.key);
  }
  return changed;
}

function neededOrThrow(ctx: StoreContext, key: string): void {
  if (!ctx.needs.has(key))
    throw new SecretsError(`${key} is not a secret the model needs; npm run secrets -- list shows them`);
}

/** A new value for one secret (the old one stays in Git history: rotating is what revokes it). */
export function rotate(ctx: StoreContext, key: string): string | undefined {
  neededOrThrow(ctx, key);
  const need = ctx.needs.get(key)!;
  const value = freshValueFor(need);
  writeSecretValue(ctx.store, need, value, ctx.plan.get(key)!, ctx.inventory);
  return need.alphabet === 'rsa-2048' ? rsaPublicKey(value) : undefined;
}

/** Stores a value given by a person (an upstream's API key). */
export function setSecret(ctx: StoreContext, key: string, value: string): void {
  neededOrThrow(ctx, key);
  writeSecretValue(ctx.store, ctx.needs.get(key)!, value, ctx.plan.get(key)!, ctx.inventory);
}

/** The stored secrets a member's keys can open, by the files' headers: what to rotate when they leave. */
export function readableBy(store: string, member: Member): string[] {
  const mine = memberRecipients(member);
  return storedKeys(store).filter((key) => {
    try {
      const stanzas = headerStanzas(readFileSync(secretPath(store, key), 'utf8'));
      return mine.some((r) => r.tag !== undefined && namesRecipient(stanzas, r));
    } catch {
      return false;
    }
  });
}

const FIX: Record<Exclude<SecretState, 'ok'>, string> = {
  missing: 'is needed but not in the store; run npm run secrets -- generate',
  'no-deploy':
    'is not encrypted to the deploy identity (org.yaml secrets.deploy_key), so converge cannot read it; run npm run secrets -- rekey',
  stale: 'is encrypted to other recipients than roles.yaml grants today; run npm run secrets -- rekey',
  unneeded: 'is not needed by any service any more; delete it with git rm after the service is gone',
  damaged: 'is not an armored age file; run npm run secrets -- rotate with its key',
};

/** The store's findings for `npm run check`: missing and undecryptable secrets are errors, the rest warnings. */
export function storeFindings(ctx: StoreContext): Finding[] {
  return storeStatus(ctx)
    .filter((s) => s.state !== 'ok')
    .map((s) => ({
      // What another system makes cannot be generated: until it is copied in, only its consumer waits for it.
      severity:
        (s.state === 'missing' && s.need?.madeBy === undefined) ||
        s.state === 'no-deploy' ||
        s.state === 'damaged'
          ? 'error'
          : 'warning',
      file: secretPath(ctx.store, s.key),
      line: 1,
      col: 1,
      path: s.key,
      message:
        s.state === 'missing' && s.need?.madeBy !== undefined
          ? `is not in the store yet; made by ${s.need.madeBy}, copied in with npm run secrets -- set`
          : FIX[s.state as Exclude<SecretState, 'ok'>],
    }));
}
